import Foundation
import SlipwayModel
import PostgresNIO

/// Service instances sharing the database: registration, heartbeats and the adoption of a dead instance's runs.
extension PostgresStore {
    public func registerInstance(name: String) async throws(StoreError) -> ServiceInstance {
        try Validation.nonEmpty(name, field: "name")
        let now = Date().storedPrecision
        let instance = ServiceInstance(id: UUID().uuidString.lowercased(), name: name, startedAt: now, heartbeatAt: now)
        let stale = now.storeMilliseconds - InstanceRetention.milliseconds
        try await write { db in
            try await db.execute("DELETE FROM service_instances WHERE heartbeat_at < \(stale)")
            try await db.execute("""
                INSERT INTO service_instances (id, name, started_at, heartbeat_at)
                VALUES (\(instance.id), \(name), \(now.storeMilliseconds), \(now.storeMilliseconds))
                """)
        }
        return instance
    }

    public func heartbeatInstance(id: String) async throws(StoreError) {
        let now = Date().storeMilliseconds
        try await write { db in
            let changed = try await db.execute("UPDATE service_instances SET heartbeat_at = \(now) WHERE id = \(id) RETURNING 1")
            if changed == 0 { throw StoreError.notFound("service instance '\(id.prefix(64))'") }
        }
    }

    public func removeInstance(id: String) async throws(StoreError) {
        try await write { db in
            _ = try await db.execute("DELETE FROM service_instances WHERE id = \(id)")
        }
    }

    public func liveInstances(heartbeatSince since: Date) async throws(StoreError) -> [ServiceInstance] {
        try await read { db in
            try await db.rows("""
                SELECT id, name, started_at, heartbeat_at FROM service_instances WHERE heartbeat_at >= \(since.storeMilliseconds)
                ORDER BY started_at, id
                """).map { row in
                ServiceInstance(id: try row.decode("id"), name: try row.decode("name"),
                                startedAt: Date(storeMilliseconds: try row.decode("started_at")),
                                heartbeatAt: Date(storeMilliseconds: try row.decode("heartbeat_at")))
            }
        }
    }

    /// One statement claims the runs: the candidates are locked `FOR UPDATE SKIP LOCKED`, so a second adopter at the
    /// same moment skips the rows the first holds, and a row whose owner changed meanwhile is re-checked by
    /// PostgreSQL against the WHERE clause before it is locked.
    public func adoptTestRuns(by instance: String, ownerSilentSince: Date) async throws(StoreError) -> [TestRun] {
        let cutoff = ownerSilentSince.storeMilliseconds
        return try await write { db in
            let ids = try await db.rows("""
                WITH candidates AS (
                    SELECT r.id FROM test_runs r
                    WHERE r.state IN ('pending', 'queued', 'running') AND r.owner_instance IS NOT NULL
                      AND r.owner_instance <> \(instance)
                      AND NOT EXISTS (SELECT 1 FROM service_instances i
                                      WHERE i.id = r.owner_instance AND i.heartbeat_at >= \(cutoff))
                    FOR UPDATE OF r SKIP LOCKED),
                adopted AS (
                    UPDATE test_runs SET owner_instance = \(instance) FROM candidates
                    WHERE test_runs.id = candidates.id RETURNING test_runs.id, test_runs.created_at)
                SELECT id FROM adopted ORDER BY created_at, id
                """).map { try $0.decode("id", as: String.self) }
            var runs: [TestRun] = []
            for id in ids {
                guard let row = try await db.row("SELECT \(unescaped: PostgresRows.testRun) FROM test_runs WHERE id = \(id)")
                else { continue }
                runs.append(try PostgresRows.testRun(row, fileResults: try await Self.fileResults(db, id)))
            }
            return runs
        }
    }

    public func cancelTestRuns(pipeline: ResourceName, prNumber: Int, keeping: String, message: String) async throws(StoreError) -> [String] {
        let now = Date().storeMilliseconds
        return try await write { db in
            try await db.rows("""
                WITH changed AS (
                    UPDATE test_runs SET state = 'cancelled', message = \(message), finished_at = \(now)
                    WHERE pipeline = \(pipeline.rawValue) AND pr_number = \(prNumber) AND id <> \(keeping)
                      AND state IN ('pending', 'queued', 'running')
                    RETURNING id, created_at)
                SELECT id FROM changed ORDER BY created_at, id
                """).map { try $0.decode("id", as: String.self) }
        }
    }

    public func pullRequestsWithUnfinishedTestRuns(pipeline: ResourceName) async throws(StoreError) -> [Int] {
        try await read { db in
            try await db.rows("""
                SELECT DISTINCT pr_number FROM test_runs
                WHERE pipeline = \(pipeline.rawValue) AND pr_number IS NOT NULL AND state IN ('pending', 'queued', 'running')
                ORDER BY pr_number
                """).map { try $0.decode("pr_number", as: Int.self) }
        }
    }
}
