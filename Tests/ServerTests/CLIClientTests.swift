import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayTestSupport
import Testing

/// The CLI's clients against the API on a real loopback port.
@Suite
struct CLIClientTests {
    @Test func jsonOutputOfTheClientCommands() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        try await service.application.test(.live) { client in
            let port = try #require(client.port)
            let server = "http://127.0.0.1:\(port)"
            let env = ["SLIPWAY_TOKEN": service.adminToken]
            func slipway(_ arguments: String...) async throws -> SlipwayBinary.Result {
                try await SlipwayBinary.run(arguments + ["--server", server], environment: env)
            }

            let created = try await slipway("pipelines", "create", "shop", "--repo", "https://git.example.com/shop.git", "--json")
            #expect(created.status == 0, "\(created.stderr)")
            let pipeline = try #require(try created.json() as? [String: Any])
            #expect(pipeline["name"] as? String == "shop")
            #expect(pipeline["target_branch"] as? String == "main")

            let pipelines = try #require(try await slipway("pipelines", "--json").json() as? [[String: Any]])
            #expect(pipelines.map { $0["name"] as? String } == ["shop"])

            let review = try await slipway("pipelines", "config", "set", "--pipeline", "shop", "STRIPE_KEY=sk_1", "--json")
            #expect(try review.json() as? [String: String] == ["STRIPE_KEY": "sk_1"], "\(review.stderr)")
            #expect(try await slipway("pipelines", "config", "--pipeline", "shop", "--json").json() as? [String: String] == ["STRIPE_KEY": "sk_1"])
            let updated = try await slipway("pipelines", "update", "shop", "--forks-get-config", "true", "--json")
            #expect((try updated.json() as? [String: Any])?["forks_get_review_config_vars"] as? Bool == true, "\(updated.stderr)")

            let app = try await slipway("apps", "create", "shop-staging", "--pipeline", "shop", "--stage", "staging", "--json")
            #expect(app.status == 0, "\(app.stderr)")
            #expect((try app.json() as? [String: Any])?["stage"] as? String == "staging")
            let apps = try #require(try await slipway("apps", "--json").json() as? [[String: Any]])
            #expect(apps.map { $0["name"] as? String } == ["shop-staging"])
            #expect(try await slipway("apps").stdout.contains("shop-staging"))

            let set = try await slipway("config", "set", "--app", "shop-staging", "A=1", "B=two=2", "--json")
            #expect(set.status == 0, "\(set.stderr)")
            let setRelease = (try set.json() as? [String: Any])?["release"] as? [String: Any]
            #expect(setRelease?["version"] as? Int == 1)

            let config = try await slipway("config", "--app", "shop-staging", "--json")
            #expect(try config.json() as? [String: String] == ["A": "1", "B": "two=2"])
            #expect(try await slipway("config", "--app", "shop-staging").stdout.contains("B: two=2"))

            let unset = try await slipway("config", "unset", "--app", "shop-staging", "A", "--json")
            #expect(((try unset.json() as? [String: Any])?["release"] as? [String: Any])?["version"] as? Int == 2)

            let releases = try #require(try await slipway("releases", "--app", "shop-staging", "--json").json() as? [[String: Any]])
            #expect(releases.map { $0["version"] as? Int } == [2, 1])
            #expect(try await slipway("releases", "--app", "shop-staging").stdout.contains("v2"))

            let token = try await slipway("tokens", "create", "ci", "--json")
            let secret = try #require((try token.json() as? [String: Any])?["token"] as? String)
            #expect(secret.hasPrefix("slw_"))
            let tokens = try #require(try await slipway("tokens", "--json").json() as? [[String: Any]])
            #expect(tokens.map { $0["name"] as? String } == ["admin", "ci"])
            let revoked = try await slipway("tokens", "revoke", "ci", "--json")
            #expect((try revoked.json() as? [String: Any])?["revoked_at"] is String, "\(revoked.stderr)")
            let afterRevoke = try await SlipwayBinary.run(["apps", "--server", server], environment: ["SLIPWAY_TOKEN": secret])
            #expect(afterRevoke.status == 2)
            #expect(afterRevoke.stderr.contains("valid API token"))
            #expect(!afterRevoke.stderr.contains(secret))

            // The token file of a data dir, when SLIPWAY_TOKEN is not set.
            let fromFile = try await SlipwayBinary.run(["apps", "--json", "--server", server, "--data-dir", service.directory.url.path])
            #expect(fromFile.status == 0, "\(fromFile.stderr)")

            let invalid = try await slipway("apps", "create", "UPPER")
            #expect(invalid.status == 2)
            #expect(invalid.stderr.contains("invalid name"))
            let missing = try await slipway("config", "--app", "nope")
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("not found"))
            let usage = try await slipway("apps", "create", "x", "--pipeline", "shop")
            #expect(usage.status == 2)
        }
        try await service.close()
    }

    @Test
    func jsonOutputOfDeployPsPromoteAndRollback() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        let sources = service.directory.url.appendingPathComponent("sources")
        try await app.test(.live) { client in
            let server = "http://127.0.0.1:\(try #require(client.port))"
            let env = ["SLIPWAY_TOKEN": service.adminToken]
            func slipway(_ arguments: String...) async throws -> SlipwayBinary.Result {
                try await SlipwayBinary.run(arguments + ["--server", server], environment: env)
            }
            _ = try await slipway("pipelines", "create", "shop", "--repo", "https://git.example.com/shop.git")
            _ = try await slipway("apps", "create", "shop-staging", "--pipeline", "shop", "--stage", "staging")
            _ = try await slipway("apps", "create", "shop-prod", "--pipeline", "shop", "--stage", "production")

            let first = try DeployTests.fixture(in: sources, body: "one")
            let deployed = try await slipway("deploy", "--app", "shop-staging", "--dir", first.path, "--json")
            #expect(deployed.status == 0, "\(deployed.stderr)")
            let v1 = try #require(try deployed.json() as? [String: Any])
            #expect(v1["succeeded"] as? Bool == true)
            #expect((v1["release"] as? [String: Any])?["label"] as? String == "v1")

            let ps = try #require(try await slipway("ps", "--app", "shop-staging", "--json").json() as? [[String: Any]])
            #expect(ps.map { $0["name"] as? String } == ["web.1"])

            // `ps scale`: the formation through the API, the dynos restarted with it.
            let scaled = try await slipway("ps", "scale", "--app", "shop-staging", "web=2", "--json")
            #expect(scaled.status == 0, "\(scaled.stderr)")
            let formation = try #require(try scaled.json() as? [[String: Any]], "\(scaled.stdout)")
            #expect(formation.first { $0["type"] as? String == "web" }?["quantity"] as? Int == 2)
            let scaledPs = try #require(try await slipway("ps", "--app", "shop-staging", "--json").json() as? [[String: Any]])
            #expect(scaledPs.compactMap { $0["name"] as? String }.sorted() == ["web.1", "web.2"])
            let down = try await slipway("ps", "scale", "--app", "shop-staging", "web=1")
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("Scaled shop-staging: web=1"), "\(down.stdout)")
            #expect(try await slipway("ps", "--app", "shop-staging", "--json").json() as? [[String: Any]] != nil)
            // Bad input changes nothing: a non-number and a type given twice are refused by the client,
            // a quantity past the service's limit by the service (422); all exit 2.
            let refusals: [([String], String)] = [
                (["web=two"], "whole number"), (["web"], "expected TYPE=N"), (["web=1", "web=2"], "given twice"),
                (["web=-1"], "whole number"), (["web=101"], "quantity: expected 0 to 100"),
            ]
            for (bad, reason) in refusals {
                let refused = try await SlipwayBinary.run(["ps", "scale", "--app", "shop-staging"] + bad + ["--server", server],
                                                          environment: env)
                #expect(refused.status == 2, "\(bad): \(refused.stderr)")
                #expect(refused.stderr.contains(reason), "\(bad): \(refused.stderr)")
            }
            let unknownApp = try await slipway("ps", "scale", "--app", "nope", "web=1")
            #expect(unknownApp.status == 2)
            #expect(unknownApp.stderr.contains("not found"), "\(unknownApp.stderr)")
            let stillOne = try #require(try await slipway("ps", "--app", "shop-staging", "--json").json() as? [[String: Any]])
            #expect(stillOne.map { $0["name"] as? String } == ["web.1"])

            // `logs`: the dyno's output with its name; --json prints one object per line.
            var logged = ""
            for _ in 0..<50 where !logged.contains("web.1: listening on") {
                logged = try await slipway("logs", "--app", "shop-staging", "--lines", "20").stdout
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(logged.contains("web.1: listening on"), "\(logged)")
            let jsonLines = try await slipway("logs", "--app", "shop-staging", "--json").stdout.split(separator: "\n")
            let logObjects = try jsonLines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
            #expect(!logObjects.isEmpty && logObjects.allSatisfy { Set($0.keys) == ["time", "source", "text"] })
            #expect(logObjects.contains { $0["source"] == "web.1" && $0["text"]?.hasPrefix("listening on") == true })
            #expect(try await slipway("logs", "--app", "shop-staging", "--lines", "5000").status == 2)

            let promoted = try await slipway("promote", "--app", "shop-staging", "--json")
            #expect(promoted.status == 0, "\(promoted.stderr)")
            let targets = (try promoted.json() as? [String: Any])?["targets"] as? [[String: Any]]
            #expect(targets?.map { $0["app"] as? String } == ["shop-prod"])

            let second = try DeployTests.fixture(in: sources, body: "two")
            #expect(try await slipway("deploy", "--app", "shop-staging", "--dir", second.path).status == 0)
            let rolledBack = try await slipway("rollback", "--app", "shop-staging", "v1", "--json")
            #expect(rolledBack.status == 0, "\(rolledBack.stderr)")
            #expect(((try rolledBack.json() as? [String: Any])?["release"] as? [String: Any])?["description"] as? String == "Rollback to v1")

            let broken = try DeployTests.fixture(in: sources, body: "broken", failingRelease: true)
            let failed = try await slipway("deploy", "--app", "shop-staging", "--dir", broken.path, "--json")
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("was not deployed"))
            let failure = try #require(try failed.json() as? [String: Any], "a failed deploy still prints its result")
            #expect(failure["succeeded"] as? Bool == false)
            #expect((failure["reason"] as? String)?.contains("release phase") == true, "\(failure)")
            #expect((failure["output"] as? String)?.contains("migration 7 failed") == true, "\(failure)")
            #expect((failure["release"] as? [String: Any])?["state"] as? String == "failed")
        }
        try await runtime.shutdown()
        try await service.close()
    }

    @Test func anUnreachableServiceIsExit3WithTheURL() async throws {
        let port = try freeLoopbackPort()
        let result = try await SlipwayBinary.run(["pipelines", "--server", "http://127.0.0.1:\(port)"],
                                                 environment: ["SLIPWAY_TOKEN": "whatever"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("http://127.0.0.1:\(port)"))
        let scale = try await SlipwayBinary.run(["ps", "scale", "--app", "shop", "web=2", "--server", "http://127.0.0.1:\(port)"],
                                                environment: ["SLIPWAY_TOKEN": "whatever"])
        #expect(scale.status == 3)
        #expect(scale.stderr.contains("http://127.0.0.1:\(port)"), "\(scale.stderr)")
    }

    @Test func noTokenIsAUsageError() async throws {
        let empty = try TestDataDirectory()
        defer { empty.remove() }
        let result = try await SlipwayBinary.run(["apps", "--data-dir", empty.url.path, "--server", "http://127.0.0.1:1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("SLIPWAY_TOKEN"))
    }
}
