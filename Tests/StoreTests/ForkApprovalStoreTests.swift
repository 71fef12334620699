import Foundation
import GRDB
import Testing
@testable import Store
import SlipwayModel

/// Migration `v4-fork-approvals` on both stores: each pipeline's `fork_pull_requests` and a pull request's last
/// approval survive a restart; a database made before v4 gains the default and keeps its rows.
@Suite struct ForkApprovalStoreTests {
    @Test(arguments: StoreKind.allCases) func policyAndApprovalRoundTripAcrossARestart(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let store = try await location.open()
            let created = try await store.createPipeline(Pipeline(name: name("shop"), repository: "/srv/shop.git"))
            #expect(created.forkPullRequests == .approve, "approve is the default")
            _ = try await store.createPipeline(Pipeline(name: name("open-source"), repository: "/srv/os.git", forkPullRequests: .run))
            _ = try await store.updatePipeline(named: name("shop")) { $0.forkPullRequests = .ignore }

            _ = try await store.updatePullRequest(pipeline: name("shop"), number: 7) { record in
                record = PullRequestRecord(pipeline: name("shop"), number: 7, branch: "patch-1", headCommit: "aaa111", fromFork: true)
            }
            #expect(try await store.pullRequest(pipeline: name("shop"), number: 7)?.approval == nil)
            let approvedAt = Date(timeIntervalSince1970: 1_767_225_600.125)
            _ = try await store.updatePullRequest(pipeline: name("shop"), number: 7) { record in
                record?.approval = ForkApproval(headCommit: "aaa111", approvedBy: "alice", approvedAt: approvedAt)
            }
            // A push: the record's head moves, the approval still names the head it covered.
            _ = try await store.updatePullRequest(pipeline: name("shop"), number: 7) { $0?.headCommit = "bbb222" }
            try await store.close()

            let reopened = try await location.open()
            #expect(try await reopened.pipeline(named: name("shop")).forkPullRequests == .ignore)
            #expect(try await reopened.pipeline(named: name("open-source")).forkPullRequests == .run)
            let record = try #require(try await reopened.pullRequest(pipeline: name("shop"), number: 7))
            #expect(record.approval == ForkApproval(headCommit: "aaa111", approvedBy: "alice", approvedAt: approvedAt))
            #expect(record.headCommit == "bbb222")
            #expect(!record.mayRun(under: .approve), "the new head is not approved")
            #expect(record.mayRun(under: .run) && !record.mayRun(under: .ignore))
            var own = record
            own.fromFork = false
            #expect(own.mayRun(under: .ignore), "the policy is about forks only")
            try await reopened.close()
        }
    }

    @Test func aVersion3FileGainsTheDefaultPolicyAndKeepsItsPullRequests() async throws {
        try await withDataDirectory { directory in
            let path = directory.appendingPathComponent(SQLiteStore.fileName).path
            // Made exactly as Slipway with migrations up to `v3-pull-requests` made it.
            let pool = try DatabasePool(path: path)
            var v3 = DatabaseMigrator()
            for migration in Migrations.registered.prefix(3) { v3.registerMigration(migration.identifier, migrate: migration.migrate) }
            try v3.migrate(pool)
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO pipelines (name, repository, target_branch, review_config_vars, forks_get_review_config_vars, created_at)
                        VALUES ('shop', '/srv/shop.git', 'main', '{}', 0, 0);
                    INSERT INTO pull_requests (pipeline, number, state, branch, head_commit, from_fork, event_at, updated_at)
                        VALUES ('shop', 7, 'open', 'patch-1', 'aaa111', 1, NULL, 0);
                    """)
            }
            try pool.close()

            let store = try SQLiteStore(dataDirectory: directory)
            let applied = try await store.appliedMigrations()
            #expect(applied.contains("v4-fork-approvals") && applied.last == Migrations.identifiers.last)
            #expect(try await store.pipeline(named: name("shop")).forkPullRequests == .approve)
            let record = try #require(try await store.pullRequest(pipeline: name("shop"), number: 7))
            #expect(record.fromFork && record.approval == nil && record.headCommit == "aaa111")
            try await store.close()
        }
    }
}
