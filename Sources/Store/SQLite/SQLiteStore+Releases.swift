import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func createRelease(
        app: ResourceName,
        buildID: String?,
        config: ReleaseConfig,
        description: String,
        state: ReleaseState
    ) async throws(StoreError) -> Release {
        try Validation.releaseConfig(config)
        return try await write { db in
            _ = try Self.requireApp(db, app)
            if let buildID { _ = try Self.requireBuild(db, buildID) }
            let snapshot: [String: String]
            switch config {
            case .currentConfigVars:
                snapshot = try Self.configVars(db, app)
            case .snapshot(let vars):
                snapshot = vars
            case .restoring(let vars):
                try ConfigVarRow.filter(Column("app") == app.rawValue).deleteAll(db)
                for (name, value) in vars {
                    try ConfigVarRow(app: app.rawValue, name: name, value: value).insert(db)
                }
                snapshot = vars
            }
            return try Self.insertRelease(
                db, app: app, buildID: buildID, config: snapshot, description: description, state: state)
        }
    }

    public func release(app: ResourceName, version: Int) async throws(StoreError) -> Release {
        try await read { db in try Self.requireRelease(db, app, version).value() }
    }

    public func releases(app: ResourceName, limit: Int?) async throws(StoreError) -> [Release] {
        try await read { db in
            _ = try Self.requireApp(db, app)
            var request = ReleaseRow.filter(Column("app") == app.rawValue).order(Column("version").desc)
            if let limit { request = request.limit(max(limit, 0)) }
            return try request.fetchAll(db).map { try $0.value() }
        }
    }

    public func currentRelease(app: ResourceName) async throws(StoreError) -> Release? {
        try await read { db in
            _ = try Self.requireApp(db, app)
            return try Self.currentReleaseRow(db, app)?.value()
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
            var row = try Self.requireRelease(db, app, version)
            guard row.state == ReleaseState.pending.rawValue else {
                throw StoreError(.conflict, "release v\(version) of app '\(app)' has already \(row.state)")
            }
            row.state = state.rawValue
            row.releasePhaseOutput = releasePhaseOutput
            row.finishedAt = now
            try row.update(db)
            return try row.value()
        }
    }

    /// Allocates the next version and inserts the release. Must run inside a write transaction: the pool's
    /// single writer then makes read-max-and-insert atomic, and the (app, version) primary key backs it up.
    static func insertRelease(
        _ db: Database,
        app: ResourceName,
        buildID: String?,
        config: [String: String],
        description: String,
        state: ReleaseState
    ) throws -> Release {
        let last = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM releases WHERE app = ?", arguments: [app.rawValue])
        let now = Date().storedPrecision
        let release = Release(
            app: app,
            version: (last ?? 0) + 1,
            buildID: buildID,
            config: config,
            description: description,
            state: state,
            createdAt: now,
            finishedAt: state == .pending ? nil : now)
        try ReleaseRow(release).insert(db)
        return release
    }

    static func currentReleaseRow(_ db: Database, _ app: ResourceName) throws -> ReleaseRow? {
        try ReleaseRow
            .filter(Column("app") == app.rawValue && Column("state") == ReleaseState.succeeded.rawValue)
            .order(Column("version").desc)
            .fetchOne(db)
    }

    static func requireRelease(_ db: Database, _ app: ResourceName, _ version: Int) throws -> ReleaseRow {
        _ = try requireApp(db, app)
        guard let row = try ReleaseRow.fetchOne(db, key: ["app": app.rawValue, "version": version]) else {
            throw StoreError.notFound("release v\(version) of app '\(app)'")
        }
        return row
    }
}
