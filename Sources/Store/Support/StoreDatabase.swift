import Foundation
import SlipwayModel

/// Which database `slipway serve` keeps its state in (`--database`).
public enum StoreDatabase: Sendable, Equatable, CustomStringConvertible {
    /// The embedded SQLite file, `<data-dir>/slipway.sqlite`: the default (no `--database`, or `sqlite:`).
    case sqlite
    /// A PostgreSQL database, `postgres://user:password@host:port/database`.
    case postgres(PostgresURL)

    /// Parses `--database`: nil or `sqlite:…` for SQLite, `postgres://…` or `postgresql://…` for PostgreSQL.
    /// The error's message never repeats the password.
    public init(_ text: String?) throws(StoreError) {
        guard let text, !text.hasPrefix("sqlite:") else {
            self = .sqlite
            return
        }
        guard PostgresURL.isPostgres(text) else {
            throw StoreError.invalidValue("database",
                "expected postgres://user:password@host:port/database, or sqlite: for the SQLite file in the data dir "
                + "(got '\(redactCredentials(in: String(text.prefix(40))))')")
        }
        self = .postgres(try PostgresURL(text))
    }

    /// Opens the store. A PostgreSQL store is connected and migrated but its connection pool does not run yet:
    /// run `store.run()` in a task while it is used.
    public func open(dataDirectory: URL) async throws(StoreError) -> any SlipwayStore {
        switch self {
        case .sqlite: try SQLiteStore(dataDirectory: dataDirectory)
        case .postgres(let url): try await PostgresStore.open(url)
        }
    }

    /// What the service announces: the SQLite file, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres(let url): "PostgreSQL \(url.redacted)"
        }
    }
}
