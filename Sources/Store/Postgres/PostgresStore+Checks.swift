import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func recordCheck(
        pipeline: ResourceName,
        commit: String,
        context: String,
        state: CheckState,
        description: String,
        targetURL: String?
    ) async throws(StoreError) -> Check {
        try Validation.nonEmpty(commit, field: "commit")
        try Validation.nonEmpty(context, field: "context")
        let now = Date().storeMilliseconds
        return try await write { db in
            _ = try await Self.requirePipeline(db, pipeline, lock: "FOR KEY SHARE")
            guard let row = try await db.row("""
                INSERT INTO checks (pipeline, commit_id, context, state, description, target_url, created_at)
                VALUES (\(pipeline.rawValue), \(commit), \(context), \(state.rawValue), \(description), \(targetURL), \(now))
                RETURNING \(unescaped: PostgresRows.check)
                """)
            else { throw StoreError(.database, "the database returned no check") }
            return try PostgresRows.check(row)
        }
    }

    public func checkHistory(pipeline: ResourceName, commit: String) async throws(StoreError) -> [Check] {
        try await read { db in
            _ = try await Self.requirePipeline(db, pipeline)
            return try await db.rows("""
                SELECT \(unescaped: PostgresRows.check) FROM checks
                WHERE pipeline = \(pipeline.rawValue) AND commit_id = \(commit) ORDER BY id
                """).map(PostgresRows.check)
        }
    }

    public func latestChecks(pipeline: ResourceName, commit: String) async throws(StoreError) -> [Check] {
        try await read { db in
            _ = try await Self.requirePipeline(db, pipeline)
            return try await db.rows("""
                SELECT DISTINCT ON (context) \(unescaped: PostgresRows.check) FROM checks
                WHERE pipeline = \(pipeline.rawValue) AND commit_id = \(commit)
                ORDER BY context, id DESC
                """).map(PostgresRows.check)
        }
    }

    public func recordGateDecision(
        pipeline: ResourceName,
        prNumber: Int,
        mergeCommit: String?,
        verdict: GateVerdict,
        reason: String
    ) async throws(StoreError) -> GateDecision {
        try Validation.positive(prNumber, field: "prNumber")
        let now = Date().storeMilliseconds
        return try await write { db in
            _ = try await Self.requirePipeline(db, pipeline, lock: "FOR KEY SHARE")
            guard let row = try await db.row("""
                INSERT INTO gate_decisions (pipeline, pr_number, merge_commit, verdict, reason, decided_at)
                VALUES (\(pipeline.rawValue), \(prNumber), \(mergeCommit), \(verdict.rawValue), \(reason), \(now))
                RETURNING \(unescaped: PostgresRows.gateDecision)
                """)
            else { throw StoreError(.database, "the database returned no gate decision") }
            return try PostgresRows.gateDecision(row)
        }
    }

    public func gateDecisions(pipeline: ResourceName, prNumber: Int?, limit: Int?) async throws(StoreError) -> [GateDecision] {
        try await read { db in
            _ = try await Self.requirePipeline(db, pipeline)
            return try await db.rows("""
                SELECT \(unescaped: PostgresRows.gateDecision) FROM gate_decisions
                WHERE pipeline = \(pipeline.rawValue) AND (\(prNumber)::bigint IS NULL OR pr_number = \(prNumber))
                ORDER BY id DESC LIMIT \(limit.map { max($0, 0) })
                """).map(PostgresRows.gateDecision)
        }
    }

    public func recordWebhookDelivery(_ delivery: WebhookDelivery) async throws(StoreError) -> Bool {
        try Validation.nonEmpty(delivery.id, field: "delivery.id")
        let receivedAt = delivery.receivedAt.storeMilliseconds
        return try await write { db in
            // ON CONFLICT DO NOTHING on the primary key: of two concurrent deliveries exactly one inserts (the
            // other waits for it to commit, then inserts nothing).
            try await db.execute("""
                INSERT INTO webhook_deliveries (id, event, received_at) VALUES (\(delivery.id), \(delivery.event), \(receivedAt))
                ON CONFLICT (id) DO NOTHING
                RETURNING 1
                """) == 1
        }
    }

    public func pruneWebhookDeliveries(receivedBefore date: Date) async throws(StoreError) -> Int {
        let cutoff = date.storeMilliseconds
        return try await write { db in
            try await db.execute("DELETE FROM webhook_deliveries WHERE received_at < \(cutoff) RETURNING 1")
        }
    }
}
