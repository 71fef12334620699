import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func recordDyno(_ dyno: Dyno) async throws(StoreError) -> Dyno {
        try Validation.nonEmpty(dyno.name, field: "dyno.name")
        try Validation.processType(dyno.processType)
        var stored = dyno
        stored.startedAt = dyno.startedAt.storedPrecision
        stored.updatedAt = Date().storedPrecision
        let row = DynoRow(stored, id: nil)
        let id = try await write { db in
            _ = try Self.requireRelease(db, dyno.app, dyno.releaseVersion)
            try row.insert(db)
            return db.lastInsertedRowID
        }
        stored.id = id
        return stored
    }

    public func updateDyno(_ dyno: Dyno) async throws(StoreError) -> Dyno {
        let now = Date().storeMilliseconds
        return try await write { db in
            guard var row = try DynoRow.fetchOne(db, key: dyno.id) else {
                throw StoreError.notFound("dyno \(dyno.id)")
            }
            guard row.app == dyno.app.rawValue, row.releaseVersion == dyno.releaseVersion, row.name == dyno.name else {
                throw StoreError.invalidValue("dyno", "a dyno's app, release and name cannot change")
            }
            row.pid = dyno.pid
            row.pgid = dyno.pgid
            row.port = dyno.port
            row.state = dyno.state.rawValue
            row.updatedAt = now
            try row.update(db)
            return try row.value()
        }
    }

    public func dynos(app: ResourceName) async throws(StoreError) -> [Dyno] {
        try await read { db in
            _ = try Self.requireApp(db, app)
            return try DynoRow.filter(Column("app") == app.rawValue)
                .order(Column("release_version"), Column("name"), Column("id"))
                .fetchAll(db).map { try $0.value() }
        }
    }

    public func dynos(inStates states: Set<DynoState>) async throws(StoreError) -> [Dyno] {
        let raw = states.map(\.rawValue)
        return try await read { db in
            try DynoRow.filter(raw.contains(Column("state")))
                .order(Column("app"), Column("release_version"), Column("name"), Column("id"))
                .fetchAll(db).map { try $0.value() }
        }
    }

    public func deleteDyno(id: Int64) async throws(StoreError) {
        try await write { db in _ = try DynoRow.deleteOne(db, key: id) }
    }
}
