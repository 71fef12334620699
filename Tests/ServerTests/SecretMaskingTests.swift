import Foundation
import GitKit
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// Config var values and generated secrets that processes print are `••••` wherever Slipway keeps or shows
/// that output: test output tails (store, API, test-run page), the app's log (memory, `logs/app.log`, the logs
/// API) and release-phase output. Real test processes and real dynos.
@Suite(.serialized)
struct SecretMaskingTests {
    static let apiKey = "sk_live_51HqLyjWDarjtT1zdp7dc"

    @Test("a config var's value printed by a failing test is masked in the stored run, the API and the test-run page")
    func testOutput() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.application.test(.router) { client in
                let token = fixture.service.adminToken
                try await fixture.openPullRequest(3, [.write("tests/t4.sh", """
                    echo "greeting is $GREETING"
                    echo "secret key is $SECRET_KEY (${#SECRET_KEY} characters)"
                    exit 1

                    """)])
                await fixture.sync()
                let run = try #require(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 3, limit: 1).first)
                #expect(run.state == .failed)
                let failure = try #require(run.fileResults.first { $0.path == "tests/t4.sh" }?.failure)
                #expect(failure.contains("greeting is ••••"), "\(failure)")
                #expect(failure.contains("secret key is •••• (64 characters)"), "the generated secret too: \(failure)")
                #expect(!failure.contains("default greeting"))
                #expect(failure.range(of: "[0-9a-f]{64}", options: .regularExpression) == nil, "\(failure)")

                let api = try await client.api(.get, "/api/v1/test-runs/\(run.id)", token: token)
                #expect(api.status == .ok)
                #expect(api.text.contains("greeting is ••••") && !api.text.contains("default greeting"), "\(api.text.prefix(800))")
                let page = try await client.api(.get, "/test-runs/\(run.id)", token: token)
                #expect(page.status == .ok)
                #expect(page.text.contains("greeting is ••••") && !page.text.contains("default greeting"))
            }
        }
    }

    @Test("a dyno and a release phase that echo a config var: masked in the logs API, logs/app.log and the release output; short values stay")
    func logsAndReleasePhase() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        let source = service.directory.url.appendingPathComponent("sources/app")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try DeployTests.serverScript.write(to: source.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        try "hello".write(to: source.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try """
            web: echo "booting with key $API_KEY in mode $MODE"; exec python3 server.py
            release: echo "release phase sees $API_KEY"

            """.write(to: source.appendingPathComponent("Procfile"), atomically: true, encoding: .utf8)

        try await app.test(.router) { client in
            let token = service.adminToken
            try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"billing"}"#)
            try await client.api(.patch, "/api/v1/apps/billing/config-vars", token: token,
                                 json: #"{"API_KEY":"\#(Self.apiKey)","MODE":"dev"}"#)
            let deployed = try await client.api(.post, "/api/v1/apps/billing/deploys", token: token, json: #"{"directory":"\#(source.path)"}"#)
                .decode(DeployResultResource.self)
            #expect(deployed.succeeded, "\(deployed.reason ?? "") \(deployed.output ?? "")")

            var lines: [LogLineResource] = []
            let booted = try await eventually(within: .seconds(10)) {
                lines = try await client.api(.get, "/api/v1/apps/billing/logs?lines=100", token: token).decode([LogLineResource].self)
                return lines.contains { $0.source == "web.1" && $0.text.hasPrefix("booting") }
            }
            #expect(booted, "\(lines)")
            #expect(lines.contains { $0.source == "web.1" && $0.text == "booting with key •••• in mode dev" },
                    "a value shorter than the minimum is left alone: \(lines)")
            #expect(lines.contains { $0.source == "release" && $0.text == "release phase sees ••••" }, "\(lines)")
            #expect(!lines.contains { $0.text.contains(Self.apiKey) })

            let logFile = service.directory.url.appendingPathComponent("apps/billing/logs/app.log")
            let written = try String(contentsOf: logFile, encoding: .utf8)
            #expect(written.contains("booting with key ••••") && !written.contains(Self.apiKey), "\(written)")

            let releases = try await client.api(.get, "/api/v1/apps/billing/releases", token: token)
            #expect(releases.text.contains("release phase sees ••••") && !releases.text.contains(Self.apiKey), "\(releases.text)")
            let page = try await client.api(.get, "/apps/billing", token: token)
            #expect(page.status == .ok && !page.text.contains(Self.apiKey))
        }
        try await runtime.shutdown()
        try await service.close()
    }
}
