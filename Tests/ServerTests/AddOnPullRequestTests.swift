import AddOns
import Foundation
import HummingbirdTesting
import Orchestration
import Platform
import Server
import SlipwayModel
import SlipwayTestSupport
import Testing

/// Real apps with add-ons as pull requests, sandboxed as `serve` runs them, on the managed PostgreSQL and Redis
/// servers: each review app and each test-run worker gets a database of its own, made before the release phase
/// and dropped with the app or at the end of the run (checked in PostgreSQL's own catalog).
@Suite(.serialized)
struct AddOnPullRequestTests {
    @Test("Django + psycopg on heroku-postgresql: two review apps keep their own rows, test runs get empty databases, closing drops the database")
    func djangoReviewAppsHaveTheirOwnDatabases() async throws {
        let (fixture, provisioner) = try await Self.pipeline(app: "django-postgres")
        do {
            try await fixture.application.test(.router) { client in
                // The fixture's tests fail on SQLite (no DATABASE_URL) and on a database with rows in it.
                try await Self.openTestedAndDeployed([1, 2], fixture, client, file: "notes/README")
                // Each review app writes through its own page and sees only its own rows.
                #expect(await Self.get(fixture, 1, "/add?text=first-pr-note")?.body == "1 notes\n")
                #expect(await Self.get(fixture, 2, "/add?text=second-pr-note")?.body == "1 notes\n")
                #expect(await Self.get(fixture, 2, "/add?text=another")?.body == "2 notes\n")
                let first = try #require(await Self.get(fixture, 1, "/")).body
                let second = try #require(await Self.get(fixture, 2, "/")).body
                #expect(first.contains("database slipway_addon_shop_pr_1\n") && first.contains("note: first-pr-note"), "\(first)")
                #expect(!first.contains("second-pr-note") && !first.contains("another"), "\(first)")
                #expect(second.contains("database slipway_addon_shop_pr_2\n") && second.contains("note: second-pr-note"), "\(second)")
                #expect(!second.contains("first-pr-note"), "\(second)")

                // The test runs' databases are gone once the runs ended; the review apps' exist.
                var databases = try await provisioner.postgresCatalogDatabases()
                #expect(databases.filter { $0.hasPrefix("slipway_ci_") }.isEmpty, "\(databases)")
                #expect(databases.contains("slipway_addon_shop_pr_1") && databases.contains("slipway_addon_shop_pr_2"), "\(databases)")

                // Closing the first pull request destroys its review app and drops its database, data included.
                let head = try await fixture.origin.resolve("refs/pull/1/head")
                let closed = try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "closed", number: 1, head: head.hex, branch: "feature-1", updatedAt: Date()))
                #expect(closed.status == .accepted, "\(closed.text)")
                await fixture.flow.waitUntilIdle()
                databases = try await provisioner.postgresCatalogDatabases()
                #expect(!databases.contains("slipway_addon_shop_pr_1"), "\(databases)")
                #expect(databases.contains("slipway_addon_shop_pr_2"), "\(databases)")
                #expect(!(try await provisioner.postgresCatalogRoles()).contains("slipway_addon_shop_pr_1"))
                #expect(await Self.get(fixture, 2, "/")?.body.contains("note: second-pr-note") == true)
            }
        } catch {
            try? await fixture.shutdown()
            await provisioner.stop()
            throw error
        }
        try await fixture.shutdown()
        await provisioner.stop()
    }

    @Test("Redis (redis-py) on heroku-redis: two review apps keep separate counters")
    func redisReviewAppsKeepSeparateCounters() async throws {
        let (fixture, provisioner) = try await Self.pipeline(app: "redis-counter")
        do {
            try await fixture.application.test(.router) { client in
                // The fixture's test fails unless its Redis counter starts fresh.
                try await Self.openTestedAndDeployed([1, 2], fixture, client, file: "NOTE")
                // The runtime's health check hit / once before switching each app in, so counts start after it.
                var first: [Int] = []
                for _ in 1...3 { first.append(try #require(await Self.count(fixture, 1))) }
                #expect(first == [first[0], first[0] + 1, first[0] + 2], "\(first)")
                let second = try #require(await Self.count(fixture, 2))
                #expect(second <= 2, "the second app's counter is its own (only its health check came before): \(second)")
                #expect(try #require(await Self.count(fixture, 1)) == first[0] + 3, "the second app's hit is not counted here")
            }
        } catch {
            try? await fixture.shutdown()
            await provisioner.stop()
            throw error
        }
        try await fixture.shutdown()
        await provisioner.stop()
    }

    // MARK: Support

    static func pipeline(app: String) async throws -> (PullRequestFixture, AddOnProvisioner) {
        let fixture = try await BuildPullRequestTests.pipeline(app: app, addOns: true)
        return (fixture, try #require(fixture.runtime.deployer.addons))
    }

    /// Opens each pull request (one changed `file`) and expects its test merge green and its review app deployed.
    static func openTestedAndDeployed(_ numbers: [Int], _ fixture: PullRequestFixture, _ client: any TestClientProtocol,
                                      file: String) async throws {
        for number in numbers {
            try await BuildPullRequestTests.open(number, fixture, client, [.write(file, "pull request \(number)\n")])
            let status = try await fixture.status(number)
            let merge = try #require(status.mergeCommit)
            let check = try #require(try await fixture.ciCheck(on: merge))
            #expect(check.state == .success, "\(check.description)")
            #expect(status.reviewApp?.state == "deployed", "\(status)")
        }
    }

    /// The redis-counter app's `count N` after one more hit.
    static func count(_ fixture: PullRequestFixture, _ number: Int) async -> Int? {
        guard let body = await get(fixture, number, "/")?.body, body.hasPrefix("count ") else { return nil }
        return Int(body.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func get(_ fixture: PullRequestFixture, _ number: Int, _ path: String) async -> HTTPProbe.Answer? {
        await HTTPProbe.get(port: fixture.runtime.routerPort, path: path, host: fixture.reviewHost(number), timeout: .seconds(10))
    }
}
