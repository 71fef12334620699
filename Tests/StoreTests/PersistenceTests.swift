import Foundation
import GRDB
import PostgresTestSupport
import Testing
@testable import Store
import SlipwayModel

/// What survives a restart: everything written through one store instance is found, unchanged, by a new
/// instance on the same file or database. Then what each database adds: migrations, refusing a newer schema.
@Suite struct PersistenceTests {
    /// Everything the service remembers, written once.
    struct Snapshot: Equatable {
        var pipelines: [Pipeline]
        var apps: [App]
        var config: [String: String]
        var secrets: [String: String]
        var builds: [Build]
        var releases: [Release]
        var formation: [FormationEntry]
        var dynos: [Dyno]
        var operations: [TrackedOperation]
        var testRun: TestRun
        var timings: [String: [Double]]
        var checks: [Check]
        var decisions: [GateDecision]
        var tokens: [APIToken]

        static func read(_ store: any SlipwayStore, runID: String) async throws -> Snapshot {
            let app = name("shop-staging"), pipeline = name("shop")
            return Snapshot(
                pipelines: try await store.pipelines(),
                apps: try await store.apps(),
                config: try await store.configVars(app: app),
                secrets: try await store.generatedSecrets(app: app),
                builds: try await store.builds(),
                releases: try await store.releases(app: app),
                formation: try await store.formation(app: app),
                dynos: try await store.dynos(app: app),
                operations: try await store.operations(state: nil, limit: nil),
                testRun: try await store.testRun(id: runID),
                timings: try await store.fileTimings(pipeline: pipeline),
                checks: try await store.checkHistory(pipeline: pipeline, commit: "m1"),
                decisions: try await store.gateDecisions(pipeline: pipeline, prNumber: nil, limit: nil),
                tokens: try await store.tokens())
        }
    }

    @Test(arguments: StoreKind.allCases) func everythingSurvivesARestart(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let first = try await location.open()
            let (pipeline, app) = try await makePipelineAndApp(first)
            _ = try await first.updatePipeline(named: pipeline.name) { $0.reviewConfigVars = ["S3_BUCKET": "review"] }
            _ = try await first.createApp(App(name: name("shop-pr-4"), pipeline: pipeline.name, stage: .review,
                review: ReviewAppDetails(prNumber: 4, branch: "b", headCommit: "h", mergeCommit: "m", state: .deployed,
                                         lastDeployedAt: Date(), urlHost: "pr-4.shop.localhost")))
            _ = try await first.updateConfigVars(app: app.name, set: ["DATABASE_URL": "postgres://x"], unset: [], description: nil)
            _ = try await first.storeGeneratedSecrets(app: app.name, ["SECRET_KEY_BASE": String(repeating: "f", count: 64)])
            let build = try await makeBuild(first)
            let release = try await first.createRelease(app: app.name, buildID: build.id, description: "Deploy 3f2a1c0")
            _ = try await first.finishRelease(app: app.name, version: release.version, state: .succeeded, releasePhaseOutput: "ok")
            _ = try await first.updateFormation(app: app.name, [FormationEntry(processType: "web", quantity: 2)], removingOthers: false)
            var dyno = try await first.recordDyno(Dyno(app: app.name, releaseVersion: release.version, name: "web.1", processType: "web"))
            dyno.pid = 100
            dyno.pgid = 100
            dyno.port = 5011
            dyno.state = .up
            _ = try await first.updateDyno(dyno)
            let operation = try await first.beginOperation(kind: "deploy", app: app.name, pipeline: nil)
            _ = try await first.finishOperation(id: operation.id, state: .succeeded, reason: "v2 serving")
            var run = try await first.createTestRun(pipeline: pipeline.name, prNumber: 4, branch: "b", commit: "m1", workers: 3, split: "queue")
            run.state = .succeeded
            run.wallTimeSeconds = 1.5
            run.shards = [TestShard(index: 0, files: ["t.sh"], state: .succeeded, startOffsetSeconds: 0, endOffsetSeconds: 1.5)]
            run.fileResults = [TestFileResult(path: "t.sh", worker: 0, seconds: 1.4, status: .passed)]
            _ = try await first.updateTestRun(run)
            try await first.recordFileTimings(pipeline: pipeline.name, ["t.sh": 1.4])
            _ = try await first.recordCheck(pipeline: pipeline.name, commit: "m1", context: "ci", state: .success, description: "ok", targetURL: nil)
            _ = try await first.recordGateDecision(pipeline: pipeline.name, prNumber: 4, mergeCommit: "m1", verdict: .merged, reason: "green")
            _ = try await first.createToken(name: name("admin"), token: "slw_0123456789abcdef0123")
            _ = try await first.authenticate(token: "slw_0123456789abcdef0123")
            #expect(try await first.recordWebhookDelivery(WebhookDelivery(id: "d-1", event: "push")))

            let before = try await Snapshot.read(first, runID: run.id)
            try await first.close()

            let second = try await location.open()
            let after = try await Snapshot.read(second, runID: run.id)
            #expect(after == before)
            #expect(after.apps.count == 2 && after.releases.count == 2 && after.dynos.count == 1)
            #expect(try await second.currentRelease(app: app.name)?.version == release.version)
            #expect(try await second.authenticate(token: "slw_0123456789abcdef0123") != nil)
            #expect(try await second.recordWebhookDelivery(WebhookDelivery(id: "d-1", event: "push")) == false)
            try await second.close()
        }
    }

    @Test func sqliteMigrationsAreIdempotent() async throws {
        try await withDataDirectory { directory in
            for _ in 0..<3 {
                let store = try SQLiteStore(dataDirectory: directory)
                #expect(try await store.appliedMigrations() == Migrations.identifiers)
                try await store.close()
            }
            // Running the migrator again on an up-to-date file changes nothing.
            let pool = try DatabasePool(path: directory.appendingPathComponent(SQLiteStore.fileName).path)
            try Migrations.migrator.migrate(pool)
            let tables = try await pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            }
            #expect(tables.contains("apps") && tables.contains("releases") && tables.contains("api_tokens"))
            try pool.close()
        }
    }

    @Test func postgresMigrationsAreIdempotent() async throws {
        try await withStoreLocation(.postgres) { location in
            for _ in 0..<3 {
                let store = try await PostgresStore.connect(location.url!)
                #expect(try await store.appliedMigrations() == PostgresMigrations.identifiers)
                try await store.close()
            }
            let cluster = try await PostgresTestCluster.shared()
            let database = try #require(location.database)
            let tables = try await cluster.administer(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", database: database)
            #expect(tables.contains("apps") && tables.contains("releases") && tables.contains("schema_migrations"))
            let recorded = try await cluster.administer("SELECT identifier FROM schema_migrations ORDER BY identifier", database: database)
            #expect(recorded == PostgresMigrations.identifiers)
        }
    }

    /// Two Slipways starting at once on an empty database: the advisory lock makes one migrate while the other
    /// waits, then finds nothing to do.
    @Test func concurrentPostgresStartsMigrateOnce() async throws {
        try await withStoreLocation(.postgres) { location in
            let url = try #require(location.url)
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<4 { group.addTask { try await PostgresStore.connect(url) } }
                var all: [PostgresStore] = []
                for try await store in group { all.append(store) }
                return all
            }
            for store in stores {
                #expect(try await store.appliedMigrations() == PostgresMigrations.identifiers)
                try await store.close()
            }
        }
    }

    @Test func theFileIsInWALModeWithForeignKeysOn() async throws {
        try await withSQLiteStore { store, directory in
            #expect(store.path == directory.appendingPathComponent("slipway.sqlite").path)
            let (journal, foreignKeys) = try await store.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
            }
            #expect(journal == "wal")
            #expect(foreignKeys == 1)
            // The schema itself refuses a dangling reference, not only the store's checks.
            let error = await storeError {
                try await store.write { db in
                    try db.execute(sql: "INSERT INTO apps (name, pipeline, stage, created_at) VALUES ('x', 'nowhere', 'staging', 0)")
                }
            }
            #expect(error?.code == .conflict)
        }
    }

    /// The PostgreSQL schema refuses what the store's own checks would, as SQLite's does.
    @Test func thePostgresSchemaRefusesDanglingReferences() async throws {
        try await withStore(.postgres) { store in
            let postgres = try #require(store as? PostgresStore)
            let error = await storeError {
                _ = try await postgres.write { db in
                    try await db.execute("INSERT INTO apps (name, pipeline, stage, created_at) VALUES ('x', 'nowhere', 'staging', 0)")
                }
            }
            #expect(error?.code == .conflict)
            let check = await storeError {
                _ = try await postgres.write { db in
                    try await db.execute("INSERT INTO apps (name, stage, created_at) VALUES ('y', 'staging', 0)")
                }
            }
            #expect(check?.code == .database)
            #expect(try await store.apps().isEmpty)
        }
    }

    @Test func aPostgresDatabaseFromANewerSlipwayIsRefused() async throws {
        try await withStoreLocation(.postgres) { location in
            let store = try await location.open()
            try await store.close()
            let cluster = try await PostgresTestCluster.shared()
            try await cluster.administer(
                "INSERT INTO schema_migrations (identifier, applied_at) VALUES ('v99-from-the-future', 0)", database: try #require(location.database))
            let error = await storeError { _ = try await PostgresStore.open(location.url!) }
            #expect(error?.code == .incompatibleSchema, "\(String(describing: error))")
            #expect(error?.message.contains("v99-from-the-future") == true)
        }
    }

    @Test func aDatabaseFromANewerSlipwayIsRefused() async throws {
        try await withDataDirectory { directory in
            let store = try SQLiteStore(dataDirectory: directory)
            try await store.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            try await store.close()
            do {
                _ = try SQLiteStore(dataDirectory: directory)
                Issue.record("opened a database with an unknown migration")
            } catch let error as StoreError {
                #expect(error.code == .incompatibleSchema)
            }
        }
    }

    @Test func inMemoryStoreHasTheSameSchema() async throws {
        let store = try SQLiteStore.inMemory()
        #expect(try await store.appliedMigrations() == Migrations.identifiers)
        let (pipeline, _) = try await makePipelineAndApp(store)
        #expect(try await store.pipelines() == [pipeline])
        try await store.close()
    }
}

/// Opening a file made by an earlier schema brings it up to date and keeps its rows.
@Suite struct SchemaUpgradeTests {
    @Test func aVersion1FileGainsStartOffsetsAndKeepsItsFileResults() async throws {
        try await withDataDirectory { directory in
            let path = directory.appendingPathComponent(SQLiteStore.fileName).path
            // Made exactly as Slipway with only `v1-initial-schema` made it.
            let pool = try DatabasePool(path: path)
            var v1 = DatabaseMigrator()
            v1.registerMigration("v1-initial-schema", migrate: SchemaV1.create)
            try v1.migrate(pool)
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO pipelines (name, repository, target_branch, review_config_vars, forks_get_review_config_vars, created_at)
                        VALUES ('shop', '/srv/shop.git', 'main', '{}', 0, 0);
                    INSERT INTO test_runs (id, pipeline, pr_number, branch, commit_id, state, workers, split, shards, message,
                                           created_at, started_at, finished_at, wall_time_seconds)
                        VALUES ('run-1', 'shop', 4, 'feature', 'abc', 'failed', 2, 'queue', '[]', NULL, 0, 0, 1000, 1.0);
                    INSERT INTO test_file_results (run_id, path, worker, seconds, status, attempts, failure)
                        VALUES ('run-1', 'a_test.sh', 1, 0.75, 'failed', 1, 'exit 1');
                    """)
            }
            try pool.close()

            let store = try SQLiteStore(dataDirectory: directory)
            #expect(try await store.appliedMigrations() == Migrations.identifiers)
            var run = try await store.testRun(id: "run-1")
            #expect(run.fileResults == [TestFileResult(path: "a_test.sh", worker: 1, seconds: 0.75, status: .failed, failure: "exit 1")])
            run.fileResults[0].startOffsetSeconds = 0.25
            _ = try await store.updateTestRun(run)
            #expect(try await store.testRun(id: "run-1").fileResults.first?.startOffsetSeconds == 0.25)
            try await store.close()
        }
    }
}
