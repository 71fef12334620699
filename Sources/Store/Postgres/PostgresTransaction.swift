import Foundation
import SlipwayModel
import Logging
import PostgresNIO

/// One open transaction on one leased connection: what a store method's body gets. Every query's rows are read to
/// the end before the next query starts, so the connection is always ready for the next statement.
struct PostgresTransaction {
    let connection: PostgresConnection
    let logger: Logger

    /// All rows of `query`.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await connection.query(query, logger: logger) {
            rows.append(row.makeRandomAccess())
        }
        return rows
    }

    /// The first row of `query`, or nil.
    func row(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        try await rows(query).first
    }

    /// Runs `query` and returns how many rows it returned (use `RETURNING 1` to count the rows a statement changed).
    @discardableResult
    func execute(_ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await _ in try await connection.query(query, logger: logger) { count += 1 }
        return count
    }
}

extension PostgresRandomAccessRow {
    /// The value of `column` (which the query must have selected).
    func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}

extension PostgresStore {
    /// What a transaction does: `read` runs in a read-only REPEATABLE READ snapshot, so a method that reads several
    /// times sees one state of the database; `write` runs at READ COMMITTED and locks what it changes.
    enum Access {
        case read, write

        var begin: PostgresQuery {
            switch self {
            case .read: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            case .write: "BEGIN"
            }
        }
    }

    /// How often a transaction aborted by a deadlock or a serialization failure is tried again.
    static let attempts = 5

    /// Runs `body` in a write transaction on a pooled connection; maps failures to `StoreError`.
    func write<T: Sendable>(_ body: @Sendable (PostgresTransaction) async throws -> T) async throws(StoreError) -> T {
        try await transaction(.write, body)
    }

    /// Runs `body` in a read-only snapshot; maps failures to `StoreError`.
    func read<T: Sendable>(_ body: @Sendable (PostgresTransaction) async throws -> T) async throws(StoreError) -> T {
        try await transaction(.read, body)
    }

    private func transaction<T: Sendable>(_ access: Access, _ body: @Sendable (PostgresTransaction) async throws -> T) async throws(StoreError) -> T {
        await running.wait()
        if isClosed.withLock({ $0 }) { throw StoreError(.database, "the store is closed") }
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    try await Self.transaction(on: connection, access, logger: logger, body)
                }
            } catch {
                if attempt < Self.attempts, Self.isTransient(error) {
                    attempt += 1
                    continue
                }
                throw storeError(from: error)
            }
        }
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when anything throws.
    static func transaction<T>(
        on connection: PostgresConnection,
        _ access: Access,
        logger: Logger,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        let db = PostgresTransaction(connection: connection, logger: logger)
        try await db.execute(access.begin)
        do {
            let result = try await body(db)
            try await db.execute("COMMIT")
            return result
        } catch {
            _ = try? await db.execute("ROLLBACK")
            throw error
        }
    }

    /// Whether PostgreSQL aborted the transaction only because of another one, so running it again may succeed.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == PostgresError.Code.deadlockDetected.raw || state == PostgresError.Code.serializationFailure.raw
    }

    /// The SQLSTATE and constraint of a server error, when `error` is one.
    static func serverError(_ error: any Error) -> (state: String, constraint: String?)? {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return nil }
        return (state, error.serverInfo?[.constraintName])
    }

    static func isUniqueViolation(_ error: any Error, constraint: String? = nil) -> Bool {
        guard let server = serverError(error), server.state == PostgresError.Code.uniqueViolation.raw else { return false }
        return constraint == nil || server.constraint == constraint
    }

    static func isForeignKeyViolation(_ error: any Error) -> Bool {
        serverError(error)?.state == PostgresError.Code.foreignKeyViolation.raw
    }

    /// Turns any error from a transaction into a `StoreError`. The store's own errors pass through; PostgreSQL's are
    /// described by the server's message (never its detail, which quotes the row's values) and the client's by
    /// what failed. Messages never show the URL's password or a bound value.
    func storeError(from error: any Error) -> StoreError {
        let result: StoreError
        switch error {
        case let error as StoreError:
            return error
        case let error as PSQLError:
            result = describe(error)
        case let error as PostgresDecodingError:
            result = StoreError(.database,
                "the database holds a value of an unexpected type in column '\(error.columnName)' (was it written by a newer Slipway?)")
        case is CancellationError:
            result = StoreError(.database, "the database access was cancelled")
        default:
            result = StoreError(.database, "database error: \(error)")
        }
        return StoreError(result.code, redactCredentials(in: result.message), field: result.field)
    }

    private func describe(_ error: PSQLError) -> StoreError {
        if let info = error.serverInfo, let state = info[.sqlState] {
            let message = info[.message] ?? "SQLSTATE \(state)"
            switch state {
            case PostgresError.Code.uniqueViolation.raw:
                return StoreError(.alreadyExists, "already exists (\(info[.constraintName] ?? message))")
            case PostgresError.Code.foreignKeyViolation.raw:
                return StoreError(.conflict, "refers to something that does not exist or is still referred to")
            default:
                return StoreError(.database, "database error: \(message)")
            }
        }
        switch error.code {
        case .poolClosed, .clientClosedConnection:
            return StoreError(.database, "the store is closed")
        case .queryCancelled:
            return StoreError(.database, "the database access was cancelled")
        case .serverClosedConnection:
            return StoreError(.database, "PostgreSQL at \(url.endpoint) closed the connection")
        case .connectionError:
            let reason = error.underlying.map { "\($0)" } ?? "connection failed"
            return StoreError(.database, "cannot reach PostgreSQL at \(url.endpoint): \(reason)")
        default:
            let reason = error.underlying.map { ": \($0)" } ?? ""
            return StoreError(.database, "PostgreSQL client error \(error.code)\(reason)")
        }
    }
}
