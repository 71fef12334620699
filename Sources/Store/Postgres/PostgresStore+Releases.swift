import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func createRelease(
        app: ResourceName,
        buildID: String?,
        config: ReleaseConfig,
        description: String,
        state: ReleaseState
    ) async throws(StoreError) -> Release {
        try Validation.releaseConfig(config)
        return try await write { db in
            _ = try await Self.requireApp(db, app, lock: "FOR NO KEY UPDATE")
            // FOR KEY SHARE: the build cannot be deleted before this transaction ends.
            if let buildID { _ = try await Self.requireBuild(db, buildID, lock: "FOR KEY SHARE") }
            let snapshot: [String: String]
            switch config {
            case .currentConfigVars:
                snapshot = try await Self.configVars(db, app)
            case .snapshot(let vars):
                snapshot = vars
            case .restoring(let vars):
                try await db.execute("DELETE FROM config_vars WHERE app = \(app.rawValue)")
                for (name, value) in vars.sorted(by: { $0.key < $1.key }) {
                    try await db.execute("INSERT INTO config_vars (app, name, value) VALUES (\(app.rawValue), \(name), \(value))")
                }
                snapshot = vars
            }
            return try await Self.insertRelease(
                db, app: app, buildID: buildID, config: snapshot, description: description, state: state)
        }
    }

    public func release(app: ResourceName, version: Int) async throws(StoreError) -> Release {
        try await read { db in try await Self.requireRelease(db, app, version) }
    }

    public func releases(app: ResourceName, limit: Int?) async throws(StoreError) -> [Release] {
        try await read { db in
            _ = try await Self.requireApp(db, app)
            return try await db.rows("""
                SELECT \(unescaped: PostgresRows.release) FROM releases WHERE app = \(app.rawValue)
                ORDER BY version DESC LIMIT \(limit.map { max($0, 0) })
                """).map(PostgresRows.release)
        }
    }

    public func currentRelease(app: ResourceName) async throws(StoreError) -> Release? {
        try await read { db in
            _ = try await Self.requireApp(db, app)
            return try await Self.currentRelease(db, app)
        }
    }

    public func finishRelease(
        app: ResourceName,
        version: Int,
        state: ReleaseState,
        releasePhaseOutput: String?
    ) async throws(StoreError) -> Release {
        guard state != .pending else {
            throw StoreError.invalidValue("state", "a release finishes as succeeded or failed")
        }
        let now = Date().storeMilliseconds
        return try await write { db in
            let old = try await Self.requireRelease(db, app, version, lock: "FOR NO KEY UPDATE")
            guard old.state == .pending else {
                throw StoreError(.conflict, "release v\(version) of app '\(app)' has already \(old.state.rawValue)")
            }
            guard let row = try await db.row("""
                UPDATE releases SET state = \(state.rawValue), release_phase_output = \(releasePhaseOutput), finished_at = \(now)
                WHERE app = \(app.rawValue) AND version = \(version)
                RETURNING \(unescaped: PostgresRows.release)
                """)
            else { throw StoreError.notFound("release v\(version) of app '\(app)'") }
            return try PostgresRows.release(row)
        }
    }

    /// Allocates the next version and inserts the release, in one statement. The caller holds the app's row lock
    /// (`FOR NO KEY UPDATE`), so concurrent releases of one app run one after the other and MAX(version) + 1 is
    /// free; the (app, version) primary key backs that up.
    static func insertRelease(
        _ db: PostgresTransaction,
        app: ResourceName,
        buildID: String?,
        config: [String: String],
        description: String,
        state: ReleaseState
    ) async throws -> Release {
        let now = Date().storedPrecision
        let finishedAt = state == .pending ? nil : now
        guard let row = try await db.row("""
            INSERT INTO releases (\(unescaped: PostgresRows.release))
            SELECT \(app.rawValue), coalesce(max(version), 0) + 1, \(buildID), \(try PostgresRows.json(config))::jsonb,
                   \(description), \(state.rawValue), NULL, \(now.storeMilliseconds), \(finishedAt?.storeMilliseconds)
            FROM releases WHERE app = \(app.rawValue)
            RETURNING version
            """)
        else { throw StoreError(.database, "the database returned no release") }
        return Release(
            app: app,
            version: try row.decode("version"),
            buildID: buildID,
            config: config,
            description: description,
            state: state,
            createdAt: now,
            finishedAt: finishedAt)
    }

    static func currentRelease(_ db: PostgresTransaction, _ app: ResourceName) async throws -> Release? {
        try await db.row("""
            SELECT \(unescaped: PostgresRows.release) FROM releases
            WHERE app = \(app.rawValue) AND state = 'succeeded' ORDER BY version DESC LIMIT 1
            """).map(PostgresRows.release)
    }

    static func requireRelease(_ db: PostgresTransaction, _ app: ResourceName, _ version: Int, lock: String = "") async throws -> Release {
        _ = try await requireApp(db, app)
        guard let row = try await db.row("""
            SELECT \(unescaped: PostgresRows.release) FROM releases
            WHERE app = \(app.rawValue) AND version = \(version) \(unescaped: lock)
            """)
        else { throw StoreError.notFound("release v\(version) of app '\(app)'") }
        return try PostgresRows.release(row)
    }
}
