import Foundation
import SlipwayModel

/// A PostgreSQL connection URL, `postgres://user:password@host:port/database?sslmode=…`, taken apart.
///
/// The password never leaves this value in text: `description` and every message the store builds show the URL
/// with `***` in its place (`redacted`), since a URL given on a command line ends up in logs and error reports.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How to use TLS (libpq's `sslmode`, restricted to the three modes PostgresNIO has).
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain TCP otherwise (the default, as in libpq).
        case prefer
        /// TLS with the certificate verified against the system's roots and the host name; refused otherwise.
        case require
    }

    public var host: String
    public var port: Int
    /// A Unix-domain socket path (`?host=/var/run/postgresql`), used instead of `host`/`port` when set.
    public var socketPath: String?
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The most connections the store's pool opens (`?pool_max=`, default 20).
    public var maximumConnections: Int

    /// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`), as opposed to SQLite.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`. The message of the error it throws never contains the password.
    public init(_ text: String) throws(StoreError) {
        guard Self.isPostgres(text) else {
            throw StoreError.invalidValue("database", "expected postgres://user:password@host:port/database")
        }
        guard let components = URLComponents(string: text) else {
            throw StoreError.invalidValue("database",
                "\(redactCredentials(in: text)) is not a valid URL (percent-encode '@', '/', ':' and '%' in the user and password)")
        }
        let shown = redactCredentials(in: text)
        guard let user = components.user, !user.isEmpty else {
            throw StoreError.invalidValue("database", "\(shown) names no user (postgres://user:password@host/database)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        for name in query.keys where !["sslmode", "host", "pool_max"].contains(name) {
            throw StoreError.invalidValue("database", "\(shown): unknown parameter '\(name)' (known: sslmode, host, pool_max)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else {
            throw StoreError.invalidValue("database", "\(shown) names no database (postgres://user:password@host/database)")
        }
        self.user = user
        password = components.password
        database = path.removingPercentEncoding ?? path
        host = components.host.map { $0.removingPercentEncoding ?? $0 } ?? ""
        port = components.port ?? 5432
        socketPath = nil
        if let socketHost = query["host"] {
            guard socketHost.hasPrefix("/") else {
                throw StoreError.invalidValue("database", "\(shown): host= is a Unix-socket directory such as /var/run/postgresql")
            }
            // libpq's convention: the directory holds `.s.PGSQL.<port>`; the socket itself may be named too.
            let named = (socketHost as NSString).lastPathComponent.hasPrefix(".s.PGSQL.")
            socketPath = named ? socketHost : socketHost + "/.s.PGSQL.\(port)"
        } else if host.isEmpty {
            throw StoreError.invalidValue("database", "\(shown) names no host (postgres://user:password@host:port/database)")
        }
        guard (1...65535).contains(port) else {
            throw StoreError.invalidValue("database", "\(shown): the port must be between 1 and 65535")
        }
        if let mode = query["sslmode"] {
            guard let parsed = TLSMode(rawValue: mode) else {
                throw StoreError.invalidValue("database", "\(shown): sslmode is disable, prefer or require (got '\(mode.prefix(20))')")
            }
            tls = parsed
        } else {
            tls = .prefer
        }
        if let pool = query["pool_max"] {
            guard let count = Int(pool), (1...1000).contains(count) else {
                throw StoreError.invalidValue("database", "\(shown): pool_max is a number of connections from 1 to 1000")
            }
            maximumConnections = count
        } else {
            maximumConnections = 20
        }
    }

    /// The URL with the password replaced by `***`: what messages show.
    public var redacted: String {
        var text = "postgres://" + user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed)!
        if password != nil { text += ":***" }
        text += "@" + (socketPath == nil ? "\(host):\(port)" : "") + "/" + database
        if let socketPath { text += "?host=" + socketPath }
        return text
    }

    public var description: String { redacted }

    /// Where the server is, for messages: `host:port` or the socket path.
    var endpoint: String { socketPath ?? "\(host):\(port)" }
}

/// Replaces the user information of every URL (`user:password@`) in `text` with `***@`, so no message carries a
/// credential. Everything from `://` to the last `@` of the same word goes, since a password may itself contain
/// `/` or `@` (GitKit redacts remotes the same way).
func redactCredentials(in text: String) -> String {
    var result = ""
    var rest = Substring(text)
    while let scheme = rest.range(of: "://") {
        result += rest[..<scheme.upperBound]
        rest = rest[scheme.upperBound...]
        let wordEnd = rest.firstIndex(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\n" }) ?? rest.endIndex
        if let at = rest[..<wordEnd].lastIndex(of: "@") {
            result += "***"
            rest = rest[at...]
        }
    }
    return result + rest
}
