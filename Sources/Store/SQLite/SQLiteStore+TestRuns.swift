import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
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
        try await write { db in
            _ = try Self.requirePipeline(db, pipeline)
            try TestRunRow(run).insert(db)
        }
        return run
    }

    public func updateTestRun(_ run: TestRun) async throws(StoreError) -> TestRun {
        try Validation.testRunUpdate(run)
        var stored = run
        stored.startedAt = run.startedAt?.storedPrecision
        stored.finishedAt = run.finishedAt?.storedPrecision
        let update = stored
        return try await write { db in
            let old = try Self.requireTestRun(db, update.id)
            guard old.pipeline == update.pipeline.rawValue, old.prNumber == update.prNumber,
                  old.commitId == update.commit
            else {
                throw StoreError.invalidValue("testRun", "a test run's pipeline, pull request and commit cannot change")
            }
            try Validation.fence(update, storedOwner: old.ownerInstance)
            var row = TestRunRow(update)
            row.createdAt = old.createdAt
            row.ownerInstance = old.ownerInstance
            try row.update(db)
            try TestFileResultRow.filter(Column("run_id") == update.id).deleteAll(db)
            for result in update.fileResults {
                try TestFileResultRow(runId: update.id, result).insert(db)
            }
            return try row.value(fileResults: update.fileResults)
        }
    }

    public func testRun(id: String) async throws(StoreError) -> TestRun {
        try await read { db in
            let row = try Self.requireTestRun(db, id)
            return try row.value(fileResults: Self.fileResults(db, id))
        }
    }

    public func testRuns(pipeline: ResourceName, prNumber: Int?, limit: Int?) async throws(StoreError) -> [TestRun] {
        try await read { db in
            _ = try Self.requirePipeline(db, pipeline)
            var request = TestRunRow.filter(Column("pipeline") == pipeline.rawValue)
            if let prNumber { request = request.filter(Column("pr_number") == prNumber) }
            request = request.order(Column("created_at").desc, Column("rowid").desc)
            if let limit { request = request.limit(max(limit, 0)) }
            return try request.fetchAll(db).map { row in try row.value(fileResults: Self.fileResults(db, row.id)) }
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
            _ = try Self.requirePipeline(db, pipeline)
            for (path, value) in samples {
                try FileTimingRow(id: nil, pipeline: pipeline.rawValue, path: path, seconds: value, recordedAt: now).insert(db)
                try db.execute(sql: """
                    DELETE FROM file_timings WHERE pipeline = ? AND path = ? AND id NOT IN (
                        SELECT id FROM file_timings WHERE pipeline = ? AND path = ? ORDER BY id DESC LIMIT ?)
                    """, arguments: [pipeline.rawValue, path, pipeline.rawValue, path, keepingLast])
            }
        }
    }

    public func fileTimings(pipeline: ResourceName) async throws(StoreError) -> [String: [Double]] {
        try await read { db in
            _ = try Self.requirePipeline(db, pipeline)
            var history: [String: [Double]] = [:]
            let rows = try FileTimingRow.filter(Column("pipeline") == pipeline.rawValue).order(Column("id")).fetchAll(db)
            for row in rows { history[row.path, default: []].append(row.seconds) }
            return history
        }
    }

    static func requireTestRun(_ db: Database, _ id: String) throws -> TestRunRow {
        guard let row = try TestRunRow.fetchOne(db, key: id) else {
            throw StoreError.notFound("test run '\(id.prefix(64))'")
        }
        return row
    }

    static func fileResults(_ db: Database, _ runID: String) throws -> [TestFileResult] {
        try TestFileResultRow.filter(Column("run_id") == runID).order(Column("path")).fetchAll(db).map { try $0.value() }
    }
}
