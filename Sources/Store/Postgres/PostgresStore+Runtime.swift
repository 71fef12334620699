import Foundation
import SlipwayModel
import PostgresNIO

/// Formation and dyno records.
extension PostgresStore {
    public func formation(app: ResourceName) async throws(StoreError) -> [FormationEntry] {
        try await read { db in
            _ = try await Self.requireApp(db, app)
            return try await Self.formation(db, app)
        }
    }

    public func updateFormation(
        app: ResourceName,
        _ entries: [FormationEntry],
        removingOthers: Bool
    ) async throws(StoreError) -> [FormationEntry] {
        try Validation.formation(entries)
        let types = entries.map(\.processType)
        return try await write { db in
            _ = try await Self.requireApp(db, app, lock: "FOR NO KEY UPDATE")
            if removingOthers {
                try await db.execute("DELETE FROM formation WHERE app = \(app.rawValue) AND NOT (process_type = ANY(\(types)))")
            }
            for entry in entries {
                try await db.execute("""
                    INSERT INTO formation (app, process_type, quantity, size)
                    VALUES (\(app.rawValue), \(entry.processType), \(entry.quantity), \(entry.size))
                    ON CONFLICT (app, process_type) DO UPDATE SET quantity = EXCLUDED.quantity, size = EXCLUDED.size
                    """)
            }
            return try await Self.formation(db, app)
        }
    }

    private static func formation(_ db: PostgresTransaction, _ app: ResourceName) async throws -> [FormationEntry] {
        try await db.rows("""
            SELECT \(unescaped: PostgresRows.formation) FROM formation WHERE app = \(app.rawValue) ORDER BY process_type
            """).map(PostgresRows.formation)
    }

    public func recordDyno(_ dyno: Dyno) async throws(StoreError) -> Dyno {
        try Validation.nonEmpty(dyno.name, field: "dyno.name")
        try Validation.processType(dyno.processType)
        var stored = dyno
        stored.startedAt = dyno.startedAt.storedPrecision
        stored.updatedAt = Date().storedPrecision
        let new = stored
        let id = try await write { db in
            // FOR KEY SHARE: the release (and its app) stay until this transaction ends.
            _ = try await Self.requireRelease(db, new.app, new.releaseVersion, lock: "FOR KEY SHARE")
            let row = try await db.row("""
                INSERT INTO dynos (app, release_version, name, process_type, pid, pgid, port, state, started_at, updated_at)
                VALUES (\(new.app.rawValue), \(new.releaseVersion), \(new.name), \(new.processType), \(new.pid), \(new.pgid),
                        \(new.port), \(new.state.rawValue), \(new.startedAt.storeMilliseconds), \(new.updatedAt.storeMilliseconds))
                RETURNING id
                """)
            return try row?.decode("id", as: Int64.self) ?? 0
        }
        stored.id = id
        return stored
    }

    public func updateDyno(_ dyno: Dyno) async throws(StoreError) -> Dyno {
        let now = Date().storeMilliseconds
        return try await write { db in
            guard let row = try await db.row("SELECT \(unescaped: PostgresRows.dyno) FROM dynos WHERE id = \(dyno.id) FOR UPDATE") else {
                throw StoreError.notFound("dyno \(dyno.id)")
            }
            let old = try PostgresRows.dyno(row)
            guard old.app == dyno.app, old.releaseVersion == dyno.releaseVersion, old.name == dyno.name else {
                throw StoreError.invalidValue("dyno", "a dyno's app, release and name cannot change")
            }
            guard let updated = try await db.row("""
                UPDATE dynos SET pid = \(dyno.pid), pgid = \(dyno.pgid), port = \(dyno.port), state = \(dyno.state.rawValue),
                    updated_at = \(now)
                WHERE id = \(dyno.id)
                RETURNING \(unescaped: PostgresRows.dyno)
                """)
            else { throw StoreError.notFound("dyno \(dyno.id)") }
            return try PostgresRows.dyno(updated)
        }
    }

    public func dynos(app: ResourceName) async throws(StoreError) -> [Dyno] {
        try await read { db in
            _ = try await Self.requireApp(db, app)
            return try await db.rows("""
                SELECT \(unescaped: PostgresRows.dyno) FROM dynos WHERE app = \(app.rawValue)
                ORDER BY release_version, name, id
                """).map(PostgresRows.dyno)
        }
    }

    public func dynos(inStates states: Set<DynoState>) async throws(StoreError) -> [Dyno] {
        let raw = states.map(\.rawValue)
        return try await read { db in
            try await db.rows("""
                SELECT \(unescaped: PostgresRows.dyno) FROM dynos WHERE state = ANY(\(raw))
                ORDER BY app, release_version, name, id
                """).map(PostgresRows.dyno)
        }
    }

    public func deleteDyno(id: Int64) async throws(StoreError) {
        _ = try await write { db in try await db.execute("DELETE FROM dynos WHERE id = \(id)") }
    }
}
