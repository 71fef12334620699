import Foundation

/// Where an add-on server listens and how the admin signs in: from `--addons-postgres` / `--addons-redis` URL, or
/// made up by a managed server. The password never appears in `description` or in an error.
public struct ServerEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?
    /// PostgreSQL: the admin's database (default `postgres`). Redis: unused.
    public var database: String?
    /// The host apps and test runs are given in their URLs, when it is not `host` (where Slipway itself signs in):
    /// a managed server that also listens on `--addons-address`, for remote test workers.
    public var advertisedHost: String?

    public init(host: String, port: Int, user: String?, password: String?, database: String? = nil, advertisedHost: String? = nil) {
        self.host = host
        self.advertisedHost = advertisedHost
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses `postgres://user:password@host:port/database` (or `postgresql://`).
    public static func postgres(_ text: String) throws(AddOnError) -> ServerEndpoint {
        let endpoint = try parse(text, schemes: ["postgres", "postgresql"], defaultPort: 5432, option: "--addons-postgres")
        guard endpoint.user != nil else {
            throw AddOnError(.invalidURL, "--addons-postgres: the URL names no user; give an admin user that may create roles and databases")
        }
        if let query = URLComponents(string: text)?.queryItems,
           let mode = query.first(where: { $0.name == "sslmode" })?.value, !["disable", "prefer", "allow"].contains(mode) {
            throw AddOnError(.invalidURL, "--addons-postgres: sslmode=\(mode) is not supported; the add-on server is reached without TLS (loopback or a private network)")
        }
        return endpoint
    }

    /// Parses `redis://[user]:password@host:port`.
    public static func redis(_ text: String) throws(AddOnError) -> ServerEndpoint {
        try parse(text, schemes: ["redis"], defaultPort: 6379, option: "--addons-redis")
    }

    private static func parse(_ text: String, schemes: [String], defaultPort: Int, option: String) throws(AddOnError) -> ServerEndpoint {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), schemes.contains(scheme),
              let host = components.host, !host.isEmpty
        else {
            throw AddOnError(.invalidURL, "\(option): expected \(schemes[0])://user:password@host:port, got a value that is not such a URL")
        }
        let port = components.port ?? defaultPort
        guard (1...65535).contains(port) else { throw AddOnError(.invalidURL, "\(option): port \(port) is out of range") }
        let database = components.path.split(separator: "/").first.map(String.init)
        let user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        return ServerEndpoint(host: host, port: port, user: user, password: password, database: database)
    }

    public var description: String {
        "\(user.map { "\($0)@" } ?? "")\(host):\(port)"
    }
}
