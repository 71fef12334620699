import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func createBuildIfAbsent(_ build: Build) async throws(StoreError) -> (build: Build, created: Bool) {
        try Validation.nonEmpty(build.id, field: "build.id")
        try Validation.nonEmpty(build.directory, field: "build.directory")
        var stored = build
        stored.createdAt = build.createdAt.storedPrecision
        let new = stored
        let (kind, source) = switch new.source {
        case .commit(let commit): ("commit", commit)
        case .directory(let digest): ("directory", digest)
        }
        return try await write { db in
            // ON CONFLICT DO NOTHING, then read: of two concurrent creators one inserts, and both return its build.
            let inserted = try await db.execute("""
                INSERT INTO builds (\(unescaped: PostgresRows.build))
                VALUES (\(new.id), \(kind), \(source), \(new.directory), \(new.state.rawValue), \(new.outputTail),
                        \(new.createdAt.storeMilliseconds))
                ON CONFLICT (id) DO NOTHING
                RETURNING 1
                """)
            if inserted == 1 { return (new, true) }
            return (try await Self.requireBuild(db, new.id), false)
        }
    }

    public func build(id: String) async throws(StoreError) -> Build {
        try await read { db in try await Self.requireBuild(db, id) }
    }

    public func builds() async throws(StoreError) -> [Build] {
        try await read { db in
            try await db.rows("SELECT \(unescaped: PostgresRows.build) FROM builds ORDER BY created_at DESC, id").map(PostgresRows.build)
        }
    }

    public func updateBuild(id: String, state: BuildState, outputTail: String) async throws(StoreError) -> Build {
        try await write { db in
            guard let row = try await db.row("""
                UPDATE builds SET state = \(state.rawValue), output_tail = \(outputTail) WHERE id = \(id)
                RETURNING \(unescaped: PostgresRows.build)
                """)
            else { throw StoreError.notFound("build '\(id.prefix(64))'") }
            return try PostgresRows.build(row)
        }
    }

    public func unreferencedBuilds() async throws(StoreError) -> [Build] {
        try await read { db in
            try await db.rows("""
                SELECT \(unescaped: PostgresRows.build) FROM builds
                WHERE NOT EXISTS (SELECT 1 FROM releases WHERE releases.build_id = builds.id)
                ORDER BY created_at, id
                """).map(PostgresRows.build)
        }
    }

    public func deleteBuild(id: String) async throws(StoreError) {
        try await write { db in
            // FOR UPDATE: a release being created for this build waits, then fails its foreign-key check, or
            // this waits for it and sees it below.
            guard try await db.row("SELECT 1 FROM builds WHERE id = \(id) FOR UPDATE") != nil else {
                throw StoreError.notFound("build '\(id.prefix(64))'")
            }
            let users = try await db.row("SELECT count(*) AS users FROM releases WHERE build_id = \(id)")?.decode("users", as: Int.self) ?? 0
            guard users == 0 else {
                throw StoreError(.conflict, "build \(id.prefix(12)) is used by \(users) release(s) and cannot be deleted")
            }
            try await db.execute("DELETE FROM builds WHERE id = \(id)")
        }
    }

    static func requireBuild(_ db: PostgresTransaction, _ id: String, lock: String = "") async throws -> Build {
        guard let row = try await db.row("SELECT \(unescaped: PostgresRows.build) FROM builds WHERE id = \(id) \(unescaped: lock)") else {
            throw StoreError.notFound("build '\(id.prefix(64))'")
        }
        return try PostgresRows.build(row)
    }
}
