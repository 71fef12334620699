import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func pullRequest(pipeline: ResourceName, number: Int) async throws(StoreError) -> PullRequestRecord? {
        try await read { db in
            try await db.row("""
                SELECT \(unescaped: PostgresRows.pullRequest) FROM pull_requests
                WHERE pipeline = \(pipeline.rawValue) AND number = \(number)
                """).map(PostgresRows.pullRequest)
        }
    }

    public func pullRequests(pipeline: ResourceName, state: PullRequestState?) async throws(StoreError) -> [PullRequestRecord] {
        try await read { db in
            _ = try await Self.requirePipeline(db, pipeline)
            return try await db.rows("""
                SELECT \(unescaped: PostgresRows.pullRequest) FROM pull_requests
                WHERE pipeline = \(pipeline.rawValue) AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue))
                ORDER BY number
                """).map(PostgresRows.pullRequest)
        }
    }

    public func updatePullRequest(
        pipeline: ResourceName,
        number: Int,
        _ change: @escaping @Sendable (inout PullRequestRecord?) -> Void
    ) async throws(StoreError) -> PullRequestRecord? {
        guard number > 0 else { throw StoreError(.invalidValue, "number: a pull request number is positive, got \(number)") }
        return try await write { db in
            // The pipeline's row lock makes two updates of one pull request take turns even while it has no record
            // yet (there is no row to lock then): the second sees what the first wrote, as with SQLite.
            _ = try await Self.requirePipeline(db, pipeline, lock: "FOR NO KEY UPDATE")
            let stored = try await db.row("""
                SELECT \(unescaped: PostgresRows.pullRequest) FROM pull_requests
                WHERE pipeline = \(pipeline.rawValue) AND number = \(number)
                """).map(PostgresRows.pullRequest)
            var record = stored
            change(&record)
            guard var record else { return stored }
            guard record.pipeline == pipeline, record.number == number else {
                throw StoreError(.invalidValue, "a pull request's pipeline and number cannot change")
            }
            record.updatedAt = Date().storedPrecision
            guard let row = try await db.row("""
                INSERT INTO pull_requests (\(unescaped: PostgresRows.pullRequest))
                VALUES (\(pipeline.rawValue), \(number), \(record.state.rawValue), \(record.branch), \(record.headCommit),
                        \(record.fromFork), \(record.approval?.headCommit), \(record.approval?.approvedBy),
                        \(record.approval?.approvedAt.storeMilliseconds), \(record.eventAt?.storeMilliseconds),
                        \(record.updatedAt.storeMilliseconds))
                ON CONFLICT (pipeline, number) DO UPDATE SET state = EXCLUDED.state, branch = EXCLUDED.branch,
                    head_commit = EXCLUDED.head_commit, from_fork = EXCLUDED.from_fork,
                    approved_head = EXCLUDED.approved_head, approved_by = EXCLUDED.approved_by,
                    approved_at = EXCLUDED.approved_at, event_at = EXCLUDED.event_at,
                    updated_at = EXCLUDED.updated_at
                RETURNING \(unescaped: PostgresRows.pullRequest)
                """)
            else { return nil }
            return try PostgresRows.pullRequest(row)
        }
    }
}
