import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// The `--json` output of the client commands `CLIClientTests` does not already parse: each is decoded
/// and its content checked against what the store holds.
@Suite
struct CLIJSONCoverageTests {
    @Test func infoUnsetRevokeAndDestroyPrintTheirJSON() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        try await service.application.test(.live) { client in
            let server = "http://127.0.0.1:\(try #require(client.port))"
            let env = ["SLIPWAY_TOKEN": service.adminToken]
            func slipway(_ arguments: String...) async throws -> SlipwayBinary.Result {
                try await SlipwayBinary.run(arguments + ["--server", server], environment: env)
            }
            func object(_ result: SlipwayBinary.Result) throws -> [String: Any] {
                #expect(result.status == 0, "\(result.stderr)")
                return try #require(try result.json() as? [String: Any], "\(result.stdout)")
            }

            _ = try await slipway("pipelines", "create", "shop", "--repo", "https://git.example.com/shop.git", "--target", "trunk")
            _ = try await slipway("apps", "create", "shop-staging", "--pipeline", "shop", "--stage", "staging")
            _ = try await slipway("pipelines", "config", "set", "--pipeline", "shop", "KEEP=1", "DROP=2")

            let pipeline = try object(try await slipway("pipelines", "info", "shop", "--json"))
            #expect(pipeline["name"] as? String == "shop" && pipeline["target_branch"] as? String == "trunk")
            #expect(pipeline["review_config_var_keys"] as? [String] == ["DROP", "KEEP"])
            #expect((pipeline["apps"] as? [[String: String]]) == [["name": "shop-staging", "stage": "staging"]])

            let unset = try await slipway("pipelines", "config", "unset", "--pipeline", "shop", "DROP", "--json")
            #expect(try unset.json() as? [String: String] == ["KEEP": "1"], "\(unset.stderr)")
            #expect(try await service.store.pipeline(named: ResourceName("shop")).reviewConfigVars == ["KEEP": "1"])

            let app = try object(try await slipway("apps", "info", "--app", "shop-staging", "--json"))
            #expect(app["name"] as? String == "shop-staging" && app["pipeline"] as? String == "shop" && app["stage"] as? String == "staging")
            #expect(app["created_at"] is String && app["review"] == nil)

            _ = try await slipway("config", "set", "--app", "shop-staging", "A=1")
            let release = try object(try await slipway("releases", "info", "--app", "shop-staging", "v1", "--json"))
            #expect(release["version"] as? Int == 1 && release["label"] as? String == "v1")
            #expect(release["config_keys"] as? [String] == ["A"] && release["state"] as? String == "succeeded")
            #expect(release["description"] as? String == "Set A config vars")

            _ = try await slipway("tokens", "create", "ci")
            let revoked = try object(try await slipway("tokens", "revoke", "ci", "--json"))
            #expect(revoked["name"] as? String == "ci" && revoked["revoked_at"] is String && revoked["token"] == nil)

            let destroyedApp = try object(try await slipway("apps", "destroy", "--app", "shop-staging", "--confirm", "shop-staging", "--json"))
            #expect(destroyedApp as? [String: String] == ["deleted": "shop-staging"])
            #expect(try await service.store.apps().isEmpty)
            let destroyedPipeline = try object(try await slipway("pipelines", "destroy", "shop", "--json"))
            #expect(destroyedPipeline as? [String: String] == ["deleted": "shop"])
            #expect(try await service.store.pipelines().isEmpty)

            // A refused command prints no JSON at all: the error goes to stderr with exit 2.
            let refused = try await slipway("apps", "info", "--app", "shop-staging", "--json")
            #expect(refused.status == 2 && refused.stdout.isEmpty && refused.stderr.contains("not found"))
        }
        try await service.close()
    }
}
