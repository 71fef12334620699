import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func createBuildIfAbsent(_ build: Build) async throws(StoreError) -> (build: Build, created: Bool) {
        try Validation.nonEmpty(build.id, field: "build.id")
        try Validation.nonEmpty(build.directory, field: "build.directory")
        var stored = build
        stored.createdAt = build.createdAt.storedPrecision
        let row = BuildRow(stored)
        let new = stored
        return try await write { db in
            if let existing = try BuildRow.fetchOne(db, key: row.id) {
                return (try existing.value(), false)
            }
            try row.insert(db)
            return (new, true)
        }
    }

    public func build(id: String) async throws(StoreError) -> Build {
        try await read { db in try Self.requireBuild(db, id).value() }
    }

    public func builds() async throws(StoreError) -> [Build] {
        try await read { db in
            try BuildRow.order(Column("created_at").desc, Column("id")).fetchAll(db).map { try $0.value() }
        }
    }

    public func updateBuild(id: String, state: BuildState, outputTail: String) async throws(StoreError) -> Build {
        try await write { db in
            var row = try Self.requireBuild(db, id)
            row.state = state.rawValue
            row.outputTail = outputTail
            try row.update(db)
            return try row.value()
        }
    }

    public func unreferencedBuilds() async throws(StoreError) -> [Build] {
        try await read { db in
            try BuildRow.fetchAll(db, sql: """
                SELECT * FROM builds
                WHERE NOT EXISTS (SELECT 1 FROM releases WHERE releases.build_id = builds.id)
                ORDER BY created_at, id
                """).map { try $0.value() }
        }
    }

    public func deleteBuild(id: String) async throws(StoreError) {
        try await write { db in
            _ = try Self.requireBuild(db, id)
            let users = try ReleaseRow.filter(Column("build_id") == id).fetchCount(db)
            guard users == 0 else {
                throw StoreError(.conflict, "build \(id.prefix(12)) is used by \(users) release(s) and cannot be deleted")
            }
            _ = try BuildRow.deleteOne(db, key: id)
        }
    }

    static func requireBuild(_ db: Database, _ id: String) throws -> BuildRow {
        guard let row = try BuildRow.fetchOne(db, key: id) else {
            throw StoreError.notFound("build '\(id.prefix(64))'")
        }
        return row
    }
}
