import Foundation
import SlipwayModel
import Logging
import PostgresNIO
import Synchronization

/// The store on a PostgreSQL server (`slipway serve --database postgres://…`), through PostgresNIO.
///
/// Same tables, rules, errors and messages as `SQLiteStore`; only the concurrency differs. SQLite has one writer, so
/// a write transaction sees nothing change under it. Here transactions run side by side at READ COMMITTED, so every
/// read-modify-write locks what it reads first (`SELECT … FOR UPDATE`, or `FOR NO KEY UPDATE` on the parent row
/// when only the children change: that serializes writers without blocking foreign-key checks), inserts that may
/// race use `ON CONFLICT`, and reads that take several statements run in one REPEATABLE READ snapshot.
/// A transaction that PostgreSQL aborts for a deadlock or a serialization failure is run again.
///
/// Lifecycle: `open` connects once, checks the URL and applies the schema migrations; the connection pool (a
/// `PostgresClient`) then needs `run()` running in a task while the store is used (`slipway serve` runs it as the
/// first service of its `ServiceGroup`, so it stops last); `close()` ends `run()`. `connect` does both for tools and
/// tests. The URL's password appears in no message: they show `url.redacted`.
public final class PostgresStore: SlipwayStore {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let closed: AsyncStream<Void>
    private let closedContinuation: AsyncStream<Void>.Continuation
    /// The task running `run()` when this store started it itself (`connect`), for `close()` to wait on.
    private let ownRun = Mutex<Task<Void, Never>?>(nil)
    /// Opens when `run()` starts the pool, or at `close()`; transactions wait for it (the pool would only log a
    /// warning and wait).
    let running = Gate()
    /// Set by `close()`: later transactions fail at once instead of waiting for a pool that is gone.
    let isClosed = Mutex(false)

    private init(url: PostgresURL, logger: Logger) throws(StoreError) {
        self.url = url
        self.logger = logger
        var configuration: PostgresClient.Configuration
        if let socket = url.socketPath {
            configuration = .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch url.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password,
                                  database: url.database, tls: tls)
        }
        configuration.options.maximumConnections = url.maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        (closed, closedContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Connects to the database once to check the URL and the credentials, and brings the schema up to date
    /// (creating it in an empty database). Throws `incompatibleSchema` for a database written by a newer Slipway and
    /// `database` when the server cannot be reached or refuses the login. Run `run()` before using the store.
    public static func open(_ url: PostgresURL, logger: Logger = Logger(label: "slipway.store")) async throws(StoreError) -> PostgresStore {
        var logger = logger
        // PostgresNIO logs queries and their bound values at debug level; those may be config vars or token digests.
        if logger.logLevel < .info { logger.logLevel = .info }
        let store = try PostgresStore(url: url, logger: logger)
        try await store.migrate()
        return store
    }

    /// `open`, then runs the pool in a task of its own until `close()`: for tools and tests that do not run a
    /// service group.
    public static func connect(_ url: PostgresURL, logger: Logger = Logger(label: "slipway.store")) async throws(StoreError) -> PostgresStore {
        let store = try await open(url, logger: logger)
        let task = Task { await store.run() }
        store.ownRun.withLock { $0 = task }
        return store
    }

    /// Runs the connection pool until `close()` is called or the task is cancelled. Call it exactly once.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                self.running.open()
                await self.client.run()
            }
            for await _ in closed {}
            group.cancelAll()
        }
    }

    /// Ends `run()`, closing every connection. Transactions still running fail; the store cannot be used again.
    public func close() async throws(StoreError) {
        isClosed.withLock { $0 = true }
        closedContinuation.finish()
        running.open()
        let task = ownRun.withLock { task in
            defer { task = nil }
            return task
        }
        await task?.value
    }

    /// The identifiers of the schema migrations applied to the database, in order.
    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await read { db in
            let applied = Set(try await db.rows("SELECT identifier FROM schema_migrations").map { try $0.decode("identifier", as: String.self) })
            return PostgresMigrations.identifiers.filter(applied.contains)
        }
    }

    // MARK: Migrations

    private func migrate() async throws(StoreError) {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw connectionFailure(error)
        }
        var failure: StoreError?
        do {
            try await Self.transaction(on: connection, .write, logger: logger) { db in
                try await db.execute("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))")
                try await db.execute(PostgresQuery(unsafeSQL: PostgresMigrations.createTable))
                let applied = try await db.rows("SELECT identifier FROM schema_migrations ORDER BY identifier")
                    .map { try $0.decode("identifier", as: String.self) }
                let unknown = applied.filter { !PostgresMigrations.identifiers.contains($0) }
                guard unknown.isEmpty else {
                    throw StoreError(.incompatibleSchema,
                        "the database was written by a newer Slipway (it has schema migrations this build does not know: "
                        + "\(unknown.prefix(3).joined(separator: ", "))); run that version, or restore a backup made by this one")
                }
                for migration in PostgresMigrations.registered where !applied.contains(migration.identifier) {
                    for statement in migration.statements {
                        try await db.execute(PostgresQuery(unsafeSQL: statement))
                    }
                    try await db.execute("""
                        INSERT INTO schema_migrations (identifier, applied_at)
                        VALUES (\(migration.identifier), \(Date().storeMilliseconds))
                        """)
                }
            }
        } catch {
            let error = storeError(from: error)
            failure = error.code == .database
                ? StoreError(.database, "cannot migrate the database \(url.redacted): \(error.message)") : error
        }
        try? await connection.close()
        if let failure { throw failure }
    }

    /// The pool's settings for the single connection `open` makes.
    private func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socket = url.socketPath {
            configuration = .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS = switch url.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password,
                                  database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private func connectionFailure(_ error: any Error) -> StoreError {
        let reason = storeError(from: error).message
        return StoreError(.database, "cannot connect to PostgreSQL at \(url.redacted): \(reason)")
    }
}

/// A one-way gate: `wait()` returns once `open()` has been called, at once after that.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            defer { state = (true, []) }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.isOpen { state.waiters.append(continuation) }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }
}
