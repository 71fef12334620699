import Foundation
import GRDB
import SlipwayModel
@testable import Store
import Testing

/// Migration `v8-queued-test-runs`: a test run may be `queued` on both stores, and a version-7 file's runs and
/// their file results survive the rebuilt `test_runs` table (same rows, same order, no cascade into the results).
@Suite struct QueuedTestRunStoreTests {
    @Test(arguments: StoreKind.allCases)
    func aRunMayBeQueuedThenRunningAndCrashRecoveryEndsIt(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let store = try await location.open()
            _ = try await store.createPipeline(Pipeline(name: name("shop"), repository: "/srv/shop.git"))
            var run = try await store.createTestRun(pipeline: name("shop"), prNumber: 1, branch: "feature",
                                                    commit: String(repeating: "a", count: 40), workers: 2, split: nil)
            run.state = .queued
            _ = try await store.updateTestRun(run)
            #expect(try await store.testRun(id: run.id).state == .queued)
            #expect(!TestRunState.queued.isFinished)
            try await store.close()
            // A service that died with the run queued: the restart ends it as interrupted, like a running one.
            let reopened = try await location.open()
            _ = try await reopened.markInFlightOperationsFailed(reason: "the service stopped")
            let recovered = try await reopened.testRun(id: run.id)
            #expect(recovered.state == .error && recovered.message?.hasPrefix("interrupted:") == true, "\(recovered)")
            try await reopened.close()
        }
    }

    @Test func aVersion7FilesRunsAndTheirResultsSurviveTheRebuild() async throws {
        try await withDataDirectory { directory in
            let path = directory.appendingPathComponent(SQLiteStore.fileName).path
            let pool = try DatabasePool(path: path)
            var v7 = DatabaseMigrator()
            for migration in Migrations.registered.prefix(7) { v7.registerMigration(migration.identifier, migrate: migration.migrate) }
            try v7.migrate(pool)
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO pipelines (name, repository, target_branch, review_config_vars, forks_get_review_config_vars, created_at)
                        VALUES ('shop', '/srv/shop.git', 'main', '{}', 0, 0);
                    INSERT INTO test_runs (id, pipeline, pr_number, commit_id, state, workers, shards, created_at)
                        VALUES ('run-b', 'shop', 1, 'bbbb', 'succeeded', 1, '[]', 5);
                    INSERT INTO test_runs (id, pipeline, pr_number, commit_id, state, workers, shards, created_at)
                        VALUES ('run-a', 'shop', 1, 'aaaa', 'failed', 1, '[]', 5);
                    INSERT INTO test_file_results (run_id, path, worker, seconds, status, attempts)
                        VALUES ('run-a', 'tests/a.sh', 0, 1.5, 'failed', 1);
                    """)
                // Version 7 refuses a queued run.
                #expect(throws: DatabaseError.self) {
                    try db.execute(sql: "UPDATE test_runs SET state = 'queued' WHERE id = 'run-a'")
                }
            }
            try pool.close()

            let store = try SQLiteStore(dataDirectory: directory)
            let runs = try await store.testRuns(pipeline: name("shop"), prNumber: 1, limit: nil)
            #expect(Set(runs.map(\.id)) == ["run-a", "run-b"])
            let failed = try await store.testRun(id: "run-a")
            #expect(failed.state == .failed && failed.fileResults.map(\.path) == ["tests/a.sh"], "\(failed)")
            var queued = try await store.testRun(id: "run-b")
            queued.state = .queued
            #expect(try await store.updateTestRun(queued).state == .queued)
            try await store.close()
        }
    }
}
