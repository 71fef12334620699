import Foundation
import SlipwayModel
import GRDB

/// The embedded store: one SQLite file, `<data-dir>/slipway.sqlite`, in WAL mode through a GRDB
/// `DatabasePool` (one serialized writer, concurrent readers on snapshots).
///
/// GRDB's `Database` handle is not `Sendable`; it is only ever reached inside the closures given to
/// `DatabasePool.read` and `.write`, which run one writer at a time on the pool's own queue. The store
/// itself holds nothing mutable, so it is `Sendable` and can be shared by every task.
public final class SQLiteStore: SlipwayStore {
    /// The database file's name inside the data dir.
    public static let fileName = "slipway.sqlite"

    let writer: any DatabaseWriter

    /// Where the database lives, or nil for an in-memory store.
    public let path: String?

    /// Opens (creating when needed) `<dataDirectory>/slipway.sqlite` and brings its schema up to date.
    /// The data dir is created with mode 0700 when missing. Throws `incompatibleSchema` when the file was
    /// written by a newer Slipway.
    public convenience init(dataDirectory: URL) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(
                at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.database, "cannot create the data dir \(dataDirectory.path): \(error.localizedDescription)")
        }
        try self.init(path: dataDirectory.appendingPathComponent(Self.fileName).path)
    }

    /// Opens (creating when needed) the database file at `path` and brings its schema up to date.
    public init(path: String) throws(StoreError) {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration())
        } catch {
            throw StoreError(.database, "cannot open the database at \(path): \(Self.describe(error))")
        }
        writer = pool
        self.path = path
        try Self.migrate(pool)
    }

    /// A store that lives in memory only, for tests of code that uses a store. Same schema, same rules.
    public static func inMemory() throws(StoreError) -> SQLiteStore {
        try SQLiteStore(inMemory: ())
    }

    private init(inMemory: Void) throws(StoreError) {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: Self.configuration())
        } catch {
            throw StoreError(.database, "cannot open an in-memory database: \(Self.describe(error))")
        }
        writer = queue
        path = nil
        try Self.migrate(queue)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process (a second `serve` by mistake, a backup) may briefly hold the write lock.
        configuration.busyMode = .timeout(5)
        configuration.label = "slipway.store"
        return configuration
    }

    private static func migrate(_ writer: any DatabaseWriter) throws(StoreError) {
        let migrator = Migrations.migrator
        do {
            let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(.incompatibleSchema,
                    "the database was written by a newer Slipway (it has schema migrations this build does not know); "
                    + "run that version, or restore a backup made by this one")
            }
            try migrator.migrate(writer)
            // The reader that checked the migrations above cached the old schema; a table that gained a column
            // (v5's `api_tokens.scope`) would then decode without it. Readers opened from here on see the new one.
            (writer as? DatabasePool)?.invalidateReadOnlyConnections()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.database, "cannot migrate the database: \(describe(error))")
        }
    }

    /// The identifiers of the schema migrations applied to the database, in order.
    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await read { db in
            let applied = try Migrations.migrator.appliedIdentifiers(db)
            return Migrations.identifiers.filter(applied.contains)
        }
    }

    /// SQLite has no background work: GRDB's pool opens connections on demand.
    public func run() async {}

    public func close() async throws(StoreError) {
        do {
            if let pool = writer as? DatabasePool { try pool.close() }
            if let queue = writer as? DatabaseQueue { try queue.close() }
        } catch {
            throw StoreError(.database, "cannot close the database: \(Self.describe(error))")
        }
    }

    // MARK: Closure-scoped access

    /// Runs `body` in a write transaction on the pool's single writer; maps failures to `StoreError`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await writer.write(body)
        } catch {
            throw Self.storeError(from: error)
        }
    }

    /// Runs `body` on a read-only snapshot; maps failures to `StoreError`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw Self.storeError(from: error)
        }
    }

    /// Turns any error from a database closure into a `StoreError`. The store's own errors pass through;
    /// SQLite's are described by their message only, never with the SQL arguments (which may hold a
    /// config var's value or a token digest).
    static func storeError(from error: any Error) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as DatabaseError:
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                return StoreError(.alreadyExists, "already exists (\(error.message ?? "unique constraint"))")
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                return StoreError(.conflict, "refers to something that does not exist or is still referred to")
            default:
                return StoreError(.database, "database error: \(describe(error))")
            }
        case is CancellationError:
            return StoreError(.database, "the database access was cancelled")
        default:
            return StoreError(.database, "database error: \(describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return String(describing: error)
    }
}
