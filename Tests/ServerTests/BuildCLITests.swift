import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// `slipway builds`: a build's output streamed with `info --follow`, the dependency cache reported and
/// cleared, through the real executable against a live API with a runtime. The app is the Node.js fixture
/// (offline: its dependency is a `file:` one).
@Suite(.serialized)
struct BuildCLITests {
    @Test func followTheOutputThenReportAndClearTheCache() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let application = buildApplication(APIServerConfiguration(host: "127.0.0.1", port: 0), store: service.store,
                                           deployer: runtime.deployer)
        let source = BuildPullRequestTests.fixtures.appendingPathComponent("node")
        do {
            try await application.test(.live) { client in
                let server = "http://127.0.0.1:\(try #require(client.port))"
                let env = ["SLIPWAY_TOKEN": service.adminToken]
                func slipway(_ arguments: String...) async throws -> SlipwayBinary.Result {
                    try await SlipwayBinary.run(arguments + ["--server", server], environment: env, timeout: .seconds(120))
                }
                #expect(try await slipway("apps", "create", "shop-staging").status == 0)
                let deployed = try await slipway("deploy", "--app", "shop-staging", "--dir", source.path, "--json")
                #expect(deployed.status == 0, "\(deployed.stdout) \(deployed.stderr)")
                let builds = try await service.store.builds()
                let build = try #require(builds.first)

                let followed = try await slipway("builds", "info", build.id, "--follow")
                #expect(followed.status == 0, "\(followed.stderr)")
                let steps = followed.stdout.split(separator: "\n").filter { $0.hasPrefix("-----> ") }.map(String.init)
                #expect(steps.first?.hasPrefix("-----> Building ") == true, "\(followed.stdout)")
                #expect(steps.contains("-----> Node.js app detected"))
                #expect(steps.contains("-----> Installing dependencies with npm (package-lock.json)"))
                #expect(steps.contains("-----> Running build") && steps.contains("-----> Pruning devDependencies"))
                #expect(steps.last?.hasPrefix("-----> Build \(build.id) succeeded in ") == true, "\(steps)")
                #expect(followed.stdout.hasSuffix("=== build \(build.id): succeeded\n"))

                let listed = try await slipway("builds")
                #expect(listed.stdout.contains("Dependency cache: 1 layer(s)"), "\(listed.stdout)")
                let cache = try await slipway("builds", "cache", "--json")
                let report = try #require(try cache.json() as? [String: Any])
                let entries = try #require(report["entries"] as? [[String: Any]])
                #expect(entries.map { $0["scope"] as? String } == ["shop-staging"])
                #expect(entries.first?["builder"] as? String == "node-npm")
                let cleared = try await slipway("builds", "cache", "clear")
                #expect(cleared.stdout == "Removed 1 cached layer(s)\n", "\(cleared.stdout) \(cleared.stderr)")
                #expect(try await slipway("builds", "cache").stdout.hasPrefix("0 layer(s)"))
                let missing = try await slipway("builds", "info", "000000000000", "--follow")
                #expect(missing.status != 0 && missing.stderr.contains("has no output"), "\(missing.stderr)")
            }
        } catch {
            try? await runtime.shutdown()
            try? await service.close()
            throw error
        }
        try await runtime.shutdown()
        try await service.close()
    }
}
