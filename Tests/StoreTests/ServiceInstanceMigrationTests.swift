import Foundation
import GRDB
import PostgresTestSupport
import SlipwayModel
@testable import Store
import Testing

/// Migration `v9-service-instances` on a database made by the previous schema (v8) on both stores: existing test
/// runs keep their rows and results and get no owner, so adoption leaves them alone; the new table works.
@Suite struct ServiceInstanceMigrationTests {
    @Test func aVersion8SQLiteFileGetsInstancesAndOwnerlessRuns() async throws {
        try await withDataDirectory { directory in
            let path = directory.appendingPathComponent(SQLiteStore.fileName).path
            let pool = try DatabasePool(path: path)
            var v8 = DatabaseMigrator()
            for migration in Migrations.registered.prefix(8) { v8.registerMigration(migration.identifier, migrate: migration.migrate) }
            try v8.migrate(pool)
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO pipelines (name, repository, target_branch, review_config_vars, forks_get_review_config_vars, created_at)
                        VALUES ('shop', '/srv/shop.git', 'main', '{}', 0, 0);
                    INSERT INTO test_runs (id, pipeline, pr_number, commit_id, state, workers, shards, created_at)
                        VALUES ('run-a', 'shop', 1, 'aaaa', 'running', 1, '[]', 5);
                    INSERT INTO test_file_results (run_id, path, worker, seconds, status, attempts)
                        VALUES ('run-a', 'tests/a.sh', 0, 1.5, 'passed', 1);
                    """)
            }
            try pool.close()

            let store = try SQLiteStore(dataDirectory: directory)
            #expect(try await store.appliedMigrations() == Migrations.identifiers)
            #expect(Migrations.identifiers.last == "v9-service-instances")
            try await Self.checkMigrated(store)
            try await store.close()
        }
    }

    @Test func aVersion8PostgreSQLDatabaseGetsInstancesAndOwnerlessRuns() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.makeDatabase()
        defer { Task { try? await cluster.dropDatabase(database) } }
        // The schema as a v8 build left it: every migration but the last, recorded.
        try await cluster.administer(PostgresMigrations.createTable, database: database)
        for migration in PostgresMigrations.registered.dropLast() {
            for statement in migration.statements { try await cluster.administer(statement, database: database) }
            try await cluster.administer("INSERT INTO schema_migrations VALUES ('\(migration.identifier)', 0)", database: database)
        }
        #expect(PostgresMigrations.identifiers.last == "v9-service-instances")
        try await cluster.administer("""
            INSERT INTO pipelines (name, repository, target_branch, review_config_vars, forks_get_review_config_vars, created_at)
                VALUES ('shop', '/srv/shop.git', 'main', '{}', false, 0)
            """, database: database)
        try await cluster.administer("""
            INSERT INTO test_runs (id, pipeline, pr_number, commit_id, state, workers, shards, created_at)
                VALUES ('run-a', 'shop', 1, 'aaaa', 'running', 1, '[]', 5)
            """, database: database)
        try await cluster.administer("""
            INSERT INTO test_file_results (run_id, path, worker, seconds, status, attempts)
                VALUES ('run-a', 'tests/a.sh', 0, 1.5, 'passed', 1)
            """, database: database)

        let store = try await PostgresStore.connect(PostgresURL(cluster.url(database: database)))
        #expect(try await store.appliedMigrations() == PostgresMigrations.identifiers)
        try await Self.checkMigrated(store)
        try await store.close()
    }

    /// The old run is intact and ownerless (no instance adopts it); instances register; a new run has its owner.
    private static func checkMigrated(_ store: any SlipwayStore) async throws {
        let old = try await store.testRun(id: "run-a")
        #expect(old.owner == nil && old.state == .running && old.fileResults.map(\.path) == ["tests/a.sh"], "\(old)")
        let instance = try await store.registerInstance(name: "ci:5100")
        #expect(try await store.adoptTestRuns(by: instance.id, ownerSilentSince: Date().addingTimeInterval(60)).isEmpty)
        let run = try await store.createTestRun(pipeline: name("shop"), prNumber: 2, branch: nil, commit: "bbbb", workers: 1,
                                                split: nil, owner: instance.id)
        #expect(try await store.testRun(id: run.id).owner == instance.id)
    }
}
