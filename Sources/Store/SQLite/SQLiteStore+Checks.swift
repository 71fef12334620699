import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
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
        let row = CheckRow(
            id: nil, pipeline: pipeline.rawValue, commitId: commit, context: context, state: state.rawValue,
            description: description, targetUrl: targetURL, createdAt: Date().storeMilliseconds)
        return try await write { db in
            _ = try Self.requirePipeline(db, pipeline)
            try row.insert(db)
            var stored = row
            stored.id = db.lastInsertedRowID
            return try stored.value()
        }
    }

    public func checkHistory(pipeline: ResourceName, commit: String) async throws(StoreError) -> [Check] {
        try await read { db in
            _ = try Self.requirePipeline(db, pipeline)
            return try CheckRow.filter(Column("pipeline") == pipeline.rawValue && Column("commit_id") == commit)
                .order(Column("id")).fetchAll(db).map { try $0.value() }
        }
    }

    public func latestChecks(pipeline: ResourceName, commit: String) async throws(StoreError) -> [Check] {
        try await read { db in
            _ = try Self.requirePipeline(db, pipeline)
            return try CheckRow.fetchAll(db, sql: """
                SELECT * FROM checks WHERE id IN (
                    SELECT MAX(id) FROM checks WHERE pipeline = ? AND commit_id = ? GROUP BY context)
                ORDER BY context
                """, arguments: [pipeline.rawValue, commit]).map { try $0.value() }
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
        let row = GateDecisionRow(
            id: nil, pipeline: pipeline.rawValue, prNumber: prNumber, mergeCommit: mergeCommit,
            verdict: verdict.rawValue, reason: reason, decidedAt: Date().storeMilliseconds)
        return try await write { db in
            _ = try Self.requirePipeline(db, pipeline)
            try row.insert(db)
            var stored = row
            stored.id = db.lastInsertedRowID
            return try stored.value()
        }
    }

    public func gateDecisions(pipeline: ResourceName, prNumber: Int?, limit: Int?) async throws(StoreError) -> [GateDecision] {
        try await read { db in
            _ = try Self.requirePipeline(db, pipeline)
            var request = GateDecisionRow.filter(Column("pipeline") == pipeline.rawValue)
            if let prNumber { request = request.filter(Column("pr_number") == prNumber) }
            request = request.order(Column("id").desc)
            if let limit { request = request.limit(max(limit, 0)) }
            return try request.fetchAll(db).map { try $0.value() }
        }
    }
}
