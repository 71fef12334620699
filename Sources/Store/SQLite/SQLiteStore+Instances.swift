import Foundation
import SlipwayModel
import GRDB

/// Service instances on the embedded store: the same rules as PostgreSQL's, though one SQLite file serves one
/// `serve` (which registers none); SQLite's single writer makes the adoption atomic.
extension SQLiteStore {
    public func registerInstance(name: String) async throws(StoreError) -> ServiceInstance {
        try Validation.nonEmpty(name, field: "name")
        let now = Date().storedPrecision
        let instance = ServiceInstance(id: UUID().uuidString.lowercased(), name: name, startedAt: now, heartbeatAt: now)
        try await write { db in
            try db.execute(sql: "DELETE FROM service_instances WHERE heartbeat_at < ?",
                           arguments: [now.storeMilliseconds - InstanceRetention.milliseconds])
            try db.execute(sql: "INSERT INTO service_instances (id, name, started_at, heartbeat_at) VALUES (?, ?, ?, ?)",
                           arguments: [instance.id, name, now.storeMilliseconds, now.storeMilliseconds])
        }
        return instance
    }

    public func heartbeatInstance(id: String) async throws(StoreError) {
        let now = Date().storeMilliseconds
        try await write { db in
            try db.execute(sql: "UPDATE service_instances SET heartbeat_at = ? WHERE id = ?", arguments: [now, id])
            if db.changesCount == 0 { throw StoreError.notFound("service instance '\(id.prefix(64))'") }
        }
    }

    public func removeInstance(id: String) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM service_instances WHERE id = ?", arguments: [id])
        }
    }

    public func liveInstances(heartbeatSince since: Date) async throws(StoreError) -> [ServiceInstance] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, name, started_at, heartbeat_at FROM service_instances WHERE heartbeat_at >= ?
                ORDER BY started_at, id
                """, arguments: [since.storeMilliseconds]).map { row in
                ServiceInstance(id: row["id"], name: row["name"], startedAt: Date(storeMilliseconds: row["started_at"]),
                                heartbeatAt: Date(storeMilliseconds: row["heartbeat_at"]))
            }
        }
    }

    public func adoptTestRuns(by instance: String, ownerSilentSince: Date) async throws(StoreError) -> [TestRun] {
        try await write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT r.id FROM test_runs r
                WHERE r.state IN ('pending', 'queued', 'running') AND r.owner_instance IS NOT NULL AND r.owner_instance <> ?
                  AND NOT EXISTS (SELECT 1 FROM service_instances i WHERE i.id = r.owner_instance AND i.heartbeat_at >= ?)
                ORDER BY r.created_at, r.id
                """, arguments: [instance, ownerSilentSince.storeMilliseconds])
            var adopted: [TestRun] = []
            for id in ids {
                try db.execute(sql: "UPDATE test_runs SET owner_instance = ? WHERE id = ?", arguments: [instance, id])
                adopted.append(try Self.requireTestRun(db, id).value(fileResults: Self.fileResults(db, id)))
            }
            return adopted
        }
    }

    public func cancelTestRuns(pipeline: ResourceName, prNumber: Int, keeping: String, message: String) async throws(StoreError) -> [String] {
        let now = Date().storeMilliseconds
        return try await write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM test_runs WHERE pipeline = ? AND pr_number = ? AND id <> ?
                  AND state IN ('pending', 'queued', 'running') ORDER BY created_at, id
                """, arguments: [pipeline.rawValue, prNumber, keeping])
            for id in ids {
                try db.execute(sql: "UPDATE test_runs SET state = 'cancelled', message = ?, finished_at = ? WHERE id = ?",
                               arguments: [message, now, id])
            }
            return ids
        }
    }

    public func pullRequestsWithUnfinishedTestRuns(pipeline: ResourceName) async throws(StoreError) -> [Int] {
        try await read { db in
            try Int.fetchAll(db, sql: """
                SELECT DISTINCT pr_number FROM test_runs
                WHERE pipeline = ? AND pr_number IS NOT NULL AND state IN ('pending', 'queued', 'running') ORDER BY pr_number
                """, arguments: [pipeline.rawValue])
        }
    }

    /// One SQLite file has one service: nothing to exclude beyond the caller's in-process lock.
    public func withPipelineLock<T: Sendable>(_ pipeline: ResourceName, _ body: @Sendable () async throws -> T) async throws -> T {
        try await body()
    }
}
