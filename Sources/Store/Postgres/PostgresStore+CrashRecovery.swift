import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func markInFlightOperationsFailed(reason: String) async throws(StoreError) -> InterruptedWork {
        try Validation.nonEmpty(reason, field: "reason")
        let now = Date().storeMilliseconds
        let interrupted = "interrupted: \(reason)"
        return try await write { db in
            var work = InterruptedWork()
            // Each UPDATE … RETURNING runs inside a CTE so the changed rows come back in a fixed order.
            work.operations = try await db.rows("""
                WITH changed AS (
                    UPDATE operations SET state = 'failed', reason = \(reason), finished_at = \(now)
                    WHERE state = 'running' RETURNING \(unescaped: PostgresRows.operation))
                SELECT * FROM changed ORDER BY id
                """).map(PostgresRows.operation)

            work.releases = try await db.rows("""
                WITH changed AS (
                    UPDATE releases SET state = 'failed', finished_at = \(now),
                        release_phase_output = CASE WHEN release_phase_output IS NULL THEN \(interrupted)
                                                    ELSE release_phase_output || E'\\n' || \(interrupted) END
                    WHERE state = 'pending' RETURNING \(unescaped: PostgresRows.release))
                SELECT * FROM changed ORDER BY app, version
                """).map(PostgresRows.release)

            work.buildIDs = try await db.rows("""
                WITH changed AS (
                    UPDATE builds SET state = 'failed',
                        output_tail = CASE WHEN output_tail = '' THEN \(interrupted) ELSE output_tail || E'\\n' || \(interrupted) END
                    WHERE state = 'building' RETURNING id)
                SELECT id FROM changed ORDER BY id
                """).map { try $0.decode("id", as: String.self) }

            work.testRunIDs = try await db.rows("""
                WITH changed AS (
                    UPDATE test_runs SET state = 'error', message = \(interrupted), finished_at = \(now)
                    WHERE state IN ('pending', 'queued', 'running') RETURNING id, created_at)
                SELECT id FROM changed ORDER BY created_at, id
                """).map { try $0.decode("id", as: String.self) }

            work.reviewApps = try await db.rows("""
                WITH changed AS (
                    UPDATE apps SET review_state = 'failed' WHERE review_state = 'creating' RETURNING name)
                SELECT name FROM changed ORDER BY name
                """).map { try storedName($0.decode("name", as: String.self)) }
            return work
        }
    }
}
