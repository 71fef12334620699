import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func createTestRun(
        pipeline: ResourceName,
        prNumber: Int?,
        branch: String?,
        commit: String,
        workers: Int,
        split: String?,
        owner: String?
    ) async throws(StoreError) -> TestRun {
        var made = try Validation.newTestRun(pipeline: pipeline, prNumber: prNumber, branch: branch, commit: commit,
                                             workers: workers, split: split)
        made.owner = owner
        let run = made
        let shards = try Self.encode(run.shards)
        try await write { db in
            _ = try await Self.requirePipeline(db, pipeline, lock: "FOR KEY SHARE")
            try await db.execute("""
                INSERT INTO test_runs (\(unescaped: PostgresRows.testRun))
                VALUES (\(run.id), \(pipeline.rawValue), \(prNumber), \(branch), \(commit), \(run.state.rawValue), \(workers),
                        \(split), \(shards)::jsonb, NULL, \(run.createdAt.storeMilliseconds), NULL, NULL, NULL, \(owner))
                """)
        }
        return run
    }

    public func updateTestRun(_ run: TestRun) async throws(StoreError) -> TestRun {
        try Validation.testRunUpdate(run)
        var stored = run
        stored.startedAt = run.startedAt?.storedPrecision
        stored.finishedAt = run.finishedAt?.storedPrecision
        let update = stored
        let shards = try Self.encode(update.shards)
        return try await write { db in
            guard let row = try await db.row("""
                SELECT pipeline, pr_number, commit_id, created_at, owner_instance FROM test_runs WHERE id = \(update.id) FOR UPDATE
                """)
            else { throw StoreError.notFound("test run '\(update.id.prefix(64))'") }
            guard try row.decode("pipeline", as: String.self) == update.pipeline.rawValue,
                  try row.decode("pr_number", as: Int?.self) == update.prNumber,
                  try row.decode("commit_id", as: String.self) == update.commit
            else {
                throw StoreError.invalidValue("testRun", "a test run's pipeline, pull request and commit cannot change")
            }
            let owner = try row.decode("owner_instance", as: String?.self)
            try Validation.fence(update, storedOwner: owner)
            var result = update
            result.createdAt = Date(storeMilliseconds: try row.decode("created_at"))
            result.owner = owner
            try await db.execute("""
                UPDATE test_runs SET branch = \(update.branch), state = \(update.state.rawValue), workers = \(update.workers),
                    split = \(update.split), shards = \(shards)::jsonb, message = \(update.message),
                    started_at = \(update.startedAt?.storeMilliseconds), finished_at = \(update.finishedAt?.storeMilliseconds),
                    wall_time_seconds = \(update.wallTimeSeconds)
                WHERE id = \(update.id)
                """)
            try await db.execute("DELETE FROM test_file_results WHERE run_id = \(update.id)")
            if !update.fileResults.isEmpty {
                // One statement for all files: each column as an array, unnested into rows.
                let results = update.fileResults
                try await db.execute("""
                    INSERT INTO test_file_results (run_id, path, worker, seconds, status, attempts, failure, start_offset_seconds)
                    SELECT \(update.id), r.path, r.worker, r.seconds, r.status, r.attempts,
                           CASE WHEN r.has_failure THEN r.failure END, CASE WHEN r.has_offset THEN r.start_offset END
                    FROM unnest(\(results.map(\.path))::text[], \(results.map(\.worker))::bigint[],
                                \(results.map(\.seconds))::float8[], \(results.map(\.status.rawValue))::text[],
                                \(results.map(\.attempts))::bigint[], \(results.map { $0.failure ?? "" })::text[],
                                \(results.map { $0.failure != nil })::bool[],
                                \(results.map { $0.startOffsetSeconds ?? 0 })::float8[],
                                \(results.map { $0.startOffsetSeconds != nil })::bool[])
                        AS r(path, worker, seconds, status, attempts, failure, has_failure, start_offset, has_offset)
                    """)
            }
            return result
        }
    }

    public func testRun(id: String) async throws(StoreError) -> TestRun {
        try await read { db in
            guard let row = try await db.row("SELECT \(unescaped: PostgresRows.testRun) FROM test_runs WHERE id = \(id)") else {
                throw StoreError.notFound("test run '\(id.prefix(64))'")
            }
            return try PostgresRows.testRun(row, fileResults: try await Self.fileResults(db, id))
        }
    }

    public func testRuns(pipeline: ResourceName, prNumber: Int?, limit: Int?) async throws(StoreError) -> [TestRun] {
        try await read { db in
            _ = try await Self.requirePipeline(db, pipeline)
            let rows = try await db.rows("""
                SELECT \(unescaped: PostgresRows.testRun) FROM test_runs
                WHERE pipeline = \(pipeline.rawValue) AND (\(prNumber)::bigint IS NULL OR pr_number = \(prNumber))
                ORDER BY created_at DESC, seq DESC LIMIT \(limit.map { max($0, 0) })
                """)
            var runs: [TestRun] = []
            for row in rows {
                let id: String = try row.decode("id")
                runs.append(try PostgresRows.testRun(row, fileResults: try await Self.fileResults(db, id)))
            }
            return runs
        }
    }

    public func recordFileTimings(
        pipeline: ResourceName,
        _ seconds: [String: Double],
        keepingLast: Int
    ) async throws(StoreError) {
        try Validation.positive(keepingLast, field: "keepingLast")
        let samples = seconds.filter { $0.value.isFinite && $0.value >= 0 }.sorted { $0.key < $1.key }
        let now = Date().storeMilliseconds
        try await write { db in
            // FOR NO KEY UPDATE: two runs recording at once take turns, so each trims what the other appended.
            _ = try await Self.requirePipeline(db, pipeline, lock: "FOR NO KEY UPDATE")
            guard !samples.isEmpty else { return }
            let paths = samples.map(\.key)
            try await db.execute("""
                INSERT INTO file_timings (pipeline, path, seconds, recorded_at)
                SELECT \(pipeline.rawValue), r.path, r.seconds, \(now)
                FROM unnest(\(paths)::text[], \(samples.map(\.value))::float8[]) WITH ORDINALITY AS r(path, seconds, n)
                ORDER BY r.n
                """)
            try await db.execute("""
                DELETE FROM file_timings WHERE id IN (
                    SELECT id FROM (
                        SELECT id, row_number() OVER (PARTITION BY path ORDER BY id DESC) AS newest
                        FROM file_timings WHERE pipeline = \(pipeline.rawValue) AND path = ANY(\(paths))
                    ) ranked
                    WHERE newest > \(keepingLast))
                """)
        }
    }

    public func fileTimings(pipeline: ResourceName) async throws(StoreError) -> [String: [Double]] {
        try await read { db in
            _ = try await Self.requirePipeline(db, pipeline)
            var history: [String: [Double]] = [:]
            for row in try await db.rows("SELECT path, seconds FROM file_timings WHERE pipeline = \(pipeline.rawValue) ORDER BY id") {
                history[try row.decode("path", as: String.self), default: []].append(try row.decode("seconds", as: Double.self))
            }
            return history
        }
    }

    static func fileResults(_ db: PostgresTransaction, _ runID: String) async throws -> [TestFileResult] {
        try await db.rows("""
            SELECT \(unescaped: PostgresRows.fileResult) FROM test_file_results WHERE run_id = \(runID) ORDER BY path
            """).map(PostgresRows.fileResult)
    }
}
