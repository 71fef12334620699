import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func gitHubSettings(pipeline: ResourceName) async throws(StoreError) -> GitHubSettings? {
        try await read { db in try GitHubSettingsRow.fetchOne(db, key: pipeline.rawValue)?.value() }
    }

    public func saveGitHubSettings(_ settings: GitHubSettings) async throws(StoreError) -> GitHubSettings {
        try GitHubStoredValues.validate(settings)
        let row = GitHubSettingsRow(settings)
        return try await write { db in
            _ = try Self.requirePipeline(db, settings.pipeline)
            try row.save(db)
            return try row.value()
        }
    }

    public func deleteGitHubSettings(pipeline: ResourceName) async throws(StoreError) -> Bool {
        try await write { db in try GitHubSettingsRow.deleteOne(db, key: pipeline.rawValue) }
    }

    public func enqueueGitHubDelivery(_ delivery: GitHubDelivery) async throws(StoreError) -> GitHubDelivery {
        try GitHubStoredValues.validate(delivery)
        var row = GitHubDeliveryRow(delivery)
        row.state = GitHubDeliveryState.pending.rawValue
        row.attempts = 0
        let inserted = row
        return try await write { db in
            _ = try Self.requirePipeline(db, delivery.pipeline)
            if let key = delivery.coalesceKey {
                try db.execute(sql: """
                    UPDATE github_deliveries SET state = 'superseded', finished_at = ?
                    WHERE pipeline = ? AND coalesce_key = ? AND state = 'pending'
                    """, arguments: [inserted.createdAt, inserted.pipeline, key])
            }
            var stored = inserted
            try stored.insert(db)
            stored.id = db.lastInsertedRowID
            return try stored.value()
        }
    }

    public func dueGitHubDeliveries(now: Date, limit: Int) async throws(StoreError) -> [GitHubDelivery] {
        let cutoff = now.storeMilliseconds
        return try await read { db in
            try GitHubDeliveryRow.fetchAll(db, sql: """
                SELECT * FROM github_deliveries AS d
                WHERE d.state = 'pending' AND d.next_attempt_at <= ?
                  AND NOT EXISTS (SELECT 1 FROM github_deliveries AS e
                                  WHERE e.state = 'pending' AND e.pipeline = d.pipeline
                                    AND e.ordering_key = d.ordering_key AND e.id < d.id)
                ORDER BY d.id LIMIT ?
                """, arguments: [cutoff, limit]).map { try $0.value() }
        }
    }

    public func recordGitHubAttempt(id: Int64, outcome: GitHubAttemptOutcome) async throws(StoreError) -> GitHubDelivery {
        let columns = GitHubStoredValues.columns(for: outcome, now: Date())
        return try await write { db in
            guard var row = try GitHubDeliveryRow.fetchOne(db, key: id) else { throw StoreError.notFound("GitHub delivery \(id)") }
            row.attempts += 1
            row.lastStatus = columns.status
            row.lastResponse = columns.response
            // A retry of a delivery a newer one superseded meanwhile stays superseded: sending it later would
            // overtake the newer one.
            if !(row.state == GitHubDeliveryState.superseded.rawValue && columns.state == .pending) {
                row.state = columns.state.rawValue
                row.finishedAt = columns.finished
            }
            if let next = columns.next { row.nextAttemptAt = next }
            if let resource = columns.resourceID { row.resourceId = resource }
            try row.update(db)
            return try row.value()
        }
    }

    public func latestDeliveredGitHubDelivery(pipeline: ResourceName, kind: GitHubDeliveryKind,
                                              orderingKey: String) async throws(StoreError) -> GitHubDelivery? {
        try await read { db in
            try GitHubDeliveryRow
                .filter(Column("pipeline") == pipeline.rawValue && Column("kind") == kind.rawValue
                        && Column("ordering_key") == orderingKey && Column("state") == GitHubDeliveryState.delivered.rawValue)
                .order(Column("id").desc).fetchOne(db)?.value()
        }
    }

    public func gitHubDeliveries(pipeline: ResourceName?, states: Set<GitHubDeliveryState>?, limit: Int) async throws(StoreError) -> [GitHubDelivery] {
        try await read { db in
            var request = GitHubDeliveryRow.order(Column("id").desc).limit(limit)
            if let pipeline { request = request.filter(Column("pipeline") == pipeline.rawValue) }
            if let states { request = request.filter(states.map(\.rawValue).contains(Column("state"))) }
            return try request.fetchAll(db).map { try $0.value() }
        }
    }
}
