import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// `slipway review-apps`, `builds` and `test-runs` against the API on a real loopback port, with a router
/// so review-app URLs carry its port.
@Suite
struct CLIRecordViewsTests {
    @Test func jsonAndTablesOfReviewAppsBuildsAndTestRuns() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let fixture = try await RecordViewsFixture.seed(service.store)
        let runtime = try await TestRuntime.start(service)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        try await app.test(.live) { client in
            let server = "http://127.0.0.1:\(try #require(client.port))"
            let env = ["SLIPWAY_TOKEN": service.adminToken]
            func slipway(_ arguments: String...) async throws -> SlipwayBinary.Result {
                try await SlipwayBinary.run(arguments + ["--server", server], environment: env)
            }

            // review-apps
            let reviewJSON = try await slipway("review-apps", "--pipeline", "shop", "--json")
            #expect(reviewJSON.status == 0, "\(reviewJSON.stderr)")
            let live = try #require(try reviewJSON.json() as? [[String: Any]])
            #expect(live.map { $0["app"] as? String } == ["shop-pr-7", "shop-pr-9"])
            #expect(live.first?["url"] as? String == "http://pr-7.shop.localhost:\(runtime.routerPort)/")
            #expect(live.first?["branch"] as? String == "feature/cart")
            #expect(live.first?["pr_number"] as? Int == 7)
            #expect(live.first?["last_deployed_at"] as? String == "2026-09-21T14:13:20Z")
            #expect(live.last?["url"] == nil, "a review app without a host has no URL")
            let allJSON = try #require(try await slipway("review-apps", "--pipeline", "shop", "--all", "--json").json() as? [[String: Any]])
            #expect(allJSON.map { $0["pr_number"] as? Int } == [5, 7, 9])
            #expect(allJSON.first?["state"] as? String == "destroyed")
            #expect(allJSON.first?["url"] == nil, "a destroyed review app has no URL")

            let table = try await slipway("review-apps", "--pipeline", "shop")
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("APP") == true && lines.first?.contains("LAST DEPLOY") == true, "\(table.stdout)")
            #expect(lines.count == 3, "\(table.stdout)")
            #expect(lines[1].contains("shop-pr-7") && lines[1].contains("#7") && lines[1].contains("feature/cart")
                    && lines[1].contains("deployed") && lines[1].contains("http://pr-7.shop.localhost:\(runtime.routerPort)/")
                    && lines[1].contains("2026-09-21 14:13Z"), "\(lines[1])")
            #expect(lines[2].contains("shop-pr-9") && lines[2].contains("creating"), "\(lines[2])")

            // builds
            let buildsJSON = try #require(try await slipway("builds", "--json").json() as? [[String: Any]])
            #expect(buildsJSON.map { $0["id"] as? String } == [RecordViewsFixture.buildID])
            #expect(buildsJSON.first?["source"] as? String == RecordViewsFixture.sha)
            #expect(buildsJSON.first?["source_type"] as? String == "commit")
            let buildJSON = try #require(try await slipway("builds", "info", RecordViewsFixture.buildID, "--json").json() as? [String: Any])
            #expect(buildJSON["output_tail"] as? String == "compiled 3 files")
            #expect(try await slipway("builds").stdout.contains(RecordViewsFixture.buildID))
            #expect(try await slipway("builds", "info", RecordViewsFixture.buildID).stdout.contains("compiled 3 files"))

            // test-runs
            let runsJSON = try #require(try await slipway("test-runs", "--pipeline", "shop", "--json").json() as? [[String: Any]])
            #expect(runsJSON.map { $0["id"] as? String } == [fixture.pendingRun.id, fixture.finishedRun.id])
            let forSeven = try #require(try await slipway("test-runs", "--pipeline", "shop", "--pr", "7", "--json").json() as? [[String: Any]])
            #expect(forSeven.map { $0["id"] as? String } == [fixture.finishedRun.id])
            #expect((forSeven.first?["counts"] as? [String: Int]) == ["files": 3, "passed": 1, "failed": 1, "flaky": 1])
            #expect(forSeven.first?["shards"] == nil)
            let runJSON = try #require(try await slipway("test-runs", "info", fixture.finishedRun.id, "--json").json() as? [String: Any])
            #expect((runJSON["shards"] as? [[String: Any]])?.map { $0["index"] as? Int } == [0, 1])
            #expect((runJSON["file_results"] as? [[String: Any]])?.map { $0["status"] as? String } == ["passed", "flaky", "failed"])
            let runsTable = try await slipway("test-runs", "--pipeline", "shop", "--pr", "7")
            #expect(runsTable.stdout.contains(String(fixture.finishedRun.id.prefix(8))) && runsTable.stdout.contains("failed"), "\(runsTable.stdout)")
            let runTable = try await slipway("test-runs", "info", fixture.finishedRun.id)
            #expect(runTable.stdout.contains("FAILED c_test.sh") && runTable.stdout.contains("expected 2"), "\(runTable.stdout)")
            #expect(runTable.stdout.contains("FLAKY b_test.sh"), "\(runTable.stdout)")

            // Bad input: exit 2 with the reason, before or from the service.
            for (arguments, reason) in [
                (["test-runs", "--pipeline", "shop", "--pr", "abc"], "--pr"),
                (["test-runs", "--pipeline", "shop", "--pr", "0"], "--pr"),
                (["test-runs", "--pipeline", "nope"], "not found"),
                (["test-runs", "info", "not-a-uuid"], "test run id"),
                (["review-apps", "--pipeline", "nope"], "not found"),
                (["review-apps", "--pipeline", "../etc"], "invalid name"),
                (["review-apps"], "--pipeline"),
                (["builds", "info", "0000000000000000000000ff"], "not found"),
                (["builds", "--limit", "0"], "--limit"),
            ] {
                let result = try await SlipwayBinary.run(arguments + ["--server", server], environment: env)
                #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
                #expect(result.stderr.contains(reason), "\(arguments): \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
            }
        }
        try await runtime.shutdown()
        try await service.close()
    }

    @Test func unreachableServiceIsExit3WithTheURL() async throws {
        let port = try freeLoopbackPort()
        let server = "http://127.0.0.1:\(port)"
        for arguments in [["review-apps", "--pipeline", "shop"], ["builds"], ["test-runs", "--pipeline", "shop"]] {
            let result = try await SlipwayBinary.run(arguments + ["--server", server], environment: ["SLIPWAY_TOKEN": "whatever"])
            #expect(result.status == 3, "\(arguments)")
            #expect(result.stderr.contains(server), "\(arguments): \(result.stderr)")
        }
    }
}
