import EdgeRouter
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Platform
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// Whether python3 (the fixture web app's server) is on PATH.
enum FixturePython {
    static let isAvailable = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/python3")
    }
}

/// Deploy, promote and rollback through the API with real dynos (python3's http.server) behind a real
/// router on loopback.
@Suite(.serialized)
struct DeployTests {
    /// Answers every GET with index.html, followed by `$MOOD` when that config var is set.
    static let serverScript = """
        import http.server, os
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = open('index.html').read()
                if os.environ.get('MOOD'):
                    body += ' ' + os.environ['MOOD']
                data = body.encode()
                self.send_response(200)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def log_message(self, *args):
                pass
        print('listening on', os.environ['PORT'], flush=True)
        http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()
        """

    /// A web app that serves `index.html` saying `body` (and `$MOOD`); with `failingRelease`, its release phase fails.
    static func fixture(in parent: URL, body: String, failingRelease: Bool = false) throws -> URL {
        let directory = parent.appendingPathComponent("app-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var procfile = "web: exec python3 server.py\n"
        try serverScript.write(to: directory.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        if failingRelease { procfile += "release: echo migrating; echo 'migration 7 failed' >&2; exit 3\n" }
        try procfile.write(to: directory.appendingPathComponent("Procfile"), atomically: true, encoding: .utf8)
        try body.write(to: directory.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func deployPromoteRollbackAndAFailedRelease() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let routerPort = runtime.routerPort
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        let sources = service.directory.url.appendingPathComponent("sources")

        try await app.test(.router) { client in
            let token = service.adminToken
            try await client.api(.post, "/api/v1/pipelines", token: token, json: #"{"name":"shop","repository":"https://git.example.com/shop.git"}"#)
            try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop-staging","pipeline":"shop","stage":"staging"}"#)
            try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop-prod","pipeline":"shop","stage":"production"}"#)
            try await client.api(.patch, "/api/v1/apps/shop-staging/config-vars", token: token, json: #"{"GREETING":"hi"}"#)

            // v2: the first deploy.
            let first = try Self.fixture(in: sources, body: "hello one")
            let deployed = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token, json: #"{"directory":"\#(first.path)"}"#)
            #expect(deployed.status == .created, "\(deployed.text)")
            let v2 = try deployed.decode(DeployResultResource.self)
            #expect(v2.succeeded, "\(v2.reason ?? "") \(v2.output ?? "")")
            #expect(v2.release.label == "v2")
            #expect(try await Self.fetch(port: routerPort, host: "shop-staging.localhost") == "hello one")

            // The dyno's output, stamped with its name, and the router's counters.
            var logLines: [LogLineResource] = []
            for _ in 0..<50 where !logLines.contains(where: { $0.source == "web.1" && $0.text.hasPrefix("listening on") }) {
                logLines = try await client.api(.get, "/api/v1/apps/shop-staging/logs?lines=50", token: token).decode([LogLineResource].self)
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(logLines.contains { $0.source == "web.1" && $0.text.hasPrefix("listening on") }, "\(logLines)")
            #expect(try await client.api(.get, "/api/v1/apps/shop-staging/logs?lines=0", token: token).error?.field == "lines")
            #expect(try await client.api(.get, "/metrics", token: nil).status == .unauthorized)
            let metrics = try await client.api(.get, "/metrics", token: token)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains(#"slipway_router_requests_total{app="shop-staging",status="2xx"}"#), "\(metrics.text.prefix(600))")

            let dynos = try await client.api(.get, "/api/v1/apps/shop-staging/dynos", token: token).decode([DynoResource].self)
            #expect(dynos.map(\.name) == ["web.1"])
            let recorded = try await service.store.dynos(app: ResourceName("shop-staging"))
            #expect(recorded.map(\.name) == ["web.1"])
            #expect(recorded.first?.pgid != nil, "the dyno's process group is recorded for crash recovery")

            // v3: a config change restarts the dynos with the new config before the answer.
            let configured = try await client.api(.patch, "/api/v1/apps/shop-staging/config-vars", token: token, json: #"{"MOOD":"sunny"}"#)
                .decode(ConfigChangeResource.self)
            #expect(configured.release.label == "v3")
            #expect(configured.release.state == "succeeded")
            #expect(try await Self.fetch(port: routerPort, host: "shop-staging.localhost") == "hello one sunny")

            // Promotion: the same build on production, its own new release with its own config.
            let promoted = try await client.api(.post, "/api/v1/apps/shop-staging/promotions", token: token, json: "{}")
            let promotion = try promoted.decode(PromotionResource.self)
            #expect(promotion.targets.map(\.app) == ["shop-prod"])
            #expect(promotion.targets.first?.succeeded == true)
            #expect(promotion.targets.first?.release.buildID == v2.release.buildID)
            #expect(try await Self.fetch(port: routerPort, host: "shop-prod.localhost") == "hello one")

            // v4: a second deploy; v5: its release phase fails and v4 keeps serving.
            let second = try Self.fixture(in: sources, body: "hello two")
            let v4 = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token, json: #"{"directory":"\#(second.path)"}"#)
                .decode(DeployResultResource.self)
            #expect(v4.succeeded)
            #expect(try await Self.fetch(port: routerPort, host: "shop-staging.localhost") == "hello two sunny")
            let broken = try Self.fixture(in: sources, body: "broken", failingRelease: true)
            let v5 = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token, json: #"{"directory":"\#(broken.path)"}"#)
                .decode(DeployResultResource.self)
            #expect(!v5.succeeded)
            #expect(v5.release.state == "failed")
            #expect(v5.output?.contains("migration 7 failed") == true)
            #expect(try await Self.fetch(port: routerPort, host: "shop-staging.localhost") == "hello two sunny")

            // v6: back to v2's build and config (no MOOD yet then).
            let rolledBack = try await client.api(.post, "/api/v1/apps/shop-staging/rollbacks", token: token, json: #"{"version":2}"#)
                .decode(DeployResultResource.self)
            #expect(rolledBack.succeeded)
            #expect(rolledBack.release.label == "v6")
            #expect(rolledBack.release.buildID == v2.release.buildID)
            #expect(rolledBack.release.description == "Rollback to v2")
            #expect(try await Self.fetch(port: routerPort, host: "shop-staging.localhost") == "hello one")

            let states = try await client.api(.get, "/api/v1/apps/shop-staging/releases", token: token).decode([ReleaseResource].self).map(\.state)
            #expect(states == ["succeeded", "failed", "succeeded", "succeeded", "succeeded", "succeeded"])
            let restored = try await client.api(.get, "/api/v1/apps/shop-staging/config-vars", token: token).decode([String: String].self)
            #expect(restored == ["GREETING": "hi"])

            // Deleting an app stops its dynos.
            #expect(try await client.api(.delete, "/api/v1/apps/shop-prod", token: token).status == .noContent)
            #expect(try await Self.fetch(port: routerPort, host: "shop-prod.localhost") == nil)

            let missing = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token, json: #"{"directory":"relative/path"}"#)
            #expect(missing.error?.field == "directory")
        }
        try await runtime.shutdown()
        try await service.close()
    }

    /// The body of `GET /` through the router for `host`, or nil for a non-200 answer.
    static func fetch(port: Int, host: String) async throws -> String? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/")!, timeoutInterval: 10)
        request.setValue(host, forHTTPHeaderField: "Host")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
