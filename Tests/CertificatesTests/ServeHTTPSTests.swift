import Foundation
import NIOHTTP1
import SlipwayTestSupport
import Testing

/// `slipway serve` with HTTPS, as a process. `--tls acme` against pebble, for a host whose HTTP-01 validation cannot succeed
/// (pebble's validator is pointed at a port where nothing listens): the dashboard lists the failed order with
/// the ACME server's reason, the attempt count and the next retry; the pipelines page warns about it; the app
/// keeps answering over plain HTTP meanwhile; and no key reaches a page.
@Suite("slipway serve with HTTPS", .serialized)
struct ServeHTTPSTests {
    @Test("a failed ACME order is listed on /certificates with its reason and next retry; the host keeps plain HTTP")
    func failedOrderOnTheDashboard() async throws {
        try #require(requiredInCI(Pebble.isInstalled && toolExists("curl") && toolExists("python3")),
                     "pebble, pebble-challtestsrv, openssl, curl and python3 are needed")
        let binary = try #require(BuiltSlipway.url, "the slipway executable was not built next to the tests")
        let nothingListens = try await freePort()
        let pebble = try await Pebble(httpPort: nothingListens)
        defer { pebble.stop() }
        let data = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let apiPort = try await freePort()
        let routerPort = try await freePort()
        let httpsPort = try await freePort()
        let token = "slipway-test-" + UUID().uuidString.lowercased()
        let serve = try await ServeProcess.start(binary: binary, environment: ["SLIPWAY_TOKEN": token], arguments: [
            "serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
            "--domain", "test.local", "--https-port", "\(httpsPort)", "--tls", "acme",
            "--acme-directory", pebble.directoryURL, "--acme-ca-bundle", pebble.listenerCABundle.path,
            "--acme-email", "ops@example.com",
        ], apiPort: apiPort, log: data.appendingPathComponent("serve.log"))
        defer { serve.stop() }
        let api = "http://127.0.0.1:\(apiPort)"

        // An app deployed for real: its host is routed, so an order starts; pebble cannot validate it.
        try Self.deployApp(api: api, token: token, source: data.appendingPathComponent("source"))
        let host = "web.test.local"

        var page = ""
        try await waitUntil(timeout: .seconds(60), "the failed order on /certificates") {
            page = try await Self.dashboard(apiPort: apiPort, path: "/certificates", token: token)
            return page.contains(#"<tr data-host="\#(host)">"#) && page.contains("order failed")
        }
        #expect(page.contains("<h2>Failed orders</h2>"))
        #expect(page.contains("<code>\(host)</code>"))
        // The ACME server's own reason: its validator could not connect.
        let reason = try #require(page.range(of: #"<td class="reason">"#).map { page[$0.upperBound...].prefix { $0 != "<" } })
        #expect(reason.contains("HTTP-01 validation of \(host) failed"), "\(reason)")
        #expect(reason.lowercased().contains("connection refused") || reason.lowercased().contains("connect"), "\(reason)")
        #expect(page.contains("<td>1</td>"), "one attempt so far (the first retry is a minute away)")
        #expect(page.contains(" s</span>") || page.contains(" min</span>"), "the next retry, in words")
        #expect(page.contains("http://\(host):\(routerPort)/"), "where the host is served meanwhile")
        #expect(page.contains("--tls acme"))
        // No key of any kind reaches the page.
        let accountKey = try String(contentsOf: data.appendingPathComponent("tls/acme/account.key"), encoding: .utf8)
        let accountKeyBody = accountKey.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        #expect(!accountKeyBody.isEmpty && !page.contains(accountKeyBody.prefix(40)))
        #expect(!page.contains("PRIVATE KEY"))

        // Without a token the page is the sign-in form (401), naming no host.
        let anonymous = try await fetch(port: apiPort, host: "127.0.0.1", path: "/certificates")
        #expect(anonymous.status == .unauthorized)
        #expect(!anonymous.body.contains(host))

        let home = try await Self.dashboard(apiPort: apiPort, path: "/", token: token)
        #expect(home.contains("certificates-alert"), "the pipelines page warns about the failed order")
        #expect(home.contains(#"<a href="/certificates">"#))

        // The host is still served over plain HTTP; over HTTPS it has no certificate, so the handshake is refused.
        let plain = try await fetch(port: routerPort, host: host)
        #expect(plain.status == .ok)
        #expect(plain.body == "served by web over http port \(routerPort)\n")
        await #expect(throws: (any Error).self) {
            _ = try await fetch(port: httpsPort, host: host, tls: ClientTLS(trustedRootsPEM: pebble.issuingRootPEM, serverName: host))
        }
        #expect(!serve.output().contains("PRIVATE KEY"), "serve's output names no key")
    }

    @Test("--tls internal: serve prints how to trust the local CA; curl --cacert <root.pem> opens the app over HTTPS, as the README says")
    func internalModeAsTheREADMESays() async throws {
        try #require(requiredInCI(toolExists("curl") && toolExists("python3")), "curl and python3 are needed")
        let binary = try #require(BuiltSlipway.url, "the slipway executable was not built next to the tests")
        let data = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let apiPort = try await freePort()
        let routerPort = try await freePort()
        let httpsPort = try await freePort()
        let token = "slipway-test-" + UUID().uuidString.lowercased()
        let serve = try await ServeProcess.start(binary: binary, environment: ["SLIPWAY_TOKEN": token], arguments: [
            "serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
            "--https-port", "\(httpsPort)", "--tls", "internal",
        ], apiPort: apiPort, log: data.appendingPathComponent("serve.log"))
        defer { serve.stop() }
        let root = data.appendingPathComponent("tls/internal/ca/root.pem")
        let printed = serve.output()
        #expect(printed.contains(root.path), "serve prints where the local CA's root is: \(printed)")
        #expect(printed.contains("update-ca-certificates") && printed.contains("curl --cacert \(root.path)"), "\(printed)")
        let rootKeyMode = try FileManager.default.attributesOfItem(
            atPath: data.appendingPathComponent("tls/internal/ca/root.key").path)[.posixPermissions] as? Int
        #expect(rootKeyMode == 0o600)

        try Self.deployApp(api: "http://127.0.0.1:\(apiPort)", token: token, source: data.appendingPathComponent("source"))
        // Exactly the README's line: the default domain is localhost, which curl resolves to loopback itself.
        let body = try run("curl", ["-sS", "--fail", "--max-time", "20", "--cacert", root.path, "https://web.localhost:\(httpsPort)/"])
        #expect(body == "served by web over https port \(httpsPort)\n")
        // A client that does not trust the local CA is refused (curl exits 60: certificate problem).
        #expect(throws: (any Error).self) {
            try run("curl", ["-sS", "--fail", "--max-time", "20", "https://web.localhost:\(httpsPort)/"])
        }
        let page = try await Self.dashboard(apiPort: apiPort, path: "/certificates", token: token)
        #expect(page.contains("--tls internal") && page.contains(root.path))
        #expect(!page.contains("PRIVATE KEY") && !page.contains("root.key"))
    }

    /// Creates app `web` and deploys the python3 app below to it through the API.
    static func deployApp(api: String, token: String, source: URL) throws {
        let directory = try app(in: source)
        let auth = ["-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json"]
        try run("curl", ["-sSf", "-X", "POST", "\(api)/api/v1/apps", "-d", #"{"name":"web"}"#] + auth)
        try run("curl", ["-sSf", "--max-time", "120", "-X", "POST", "\(api)/api/v1/apps/web/deploys",
                         "-d", #"{"directory":"\#(directory.path)"}"#] + auth)
    }

    /// A dashboard page read with the API token as a bearer token.
    static func dashboard(apiPort: Int, path: String, token: String) async throws -> String {
        let response = try await fetch(port: apiPort, host: "127.0.0.1", path: path, headers: [("Authorization", "Bearer \(token)")])
        guard response.status == .ok else { throw TestClientError(description: "\(path): \(response.status)") }
        return response.body
    }

    /// A web app: python3's http.server answering `served by web over <X-Forwarded-Proto> port <X-Forwarded-Port>`.
    static func app(in directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "web: exec python3 server.py\n".write(to: directory.appendingPathComponent("Procfile"), atomically: true, encoding: .utf8)
        try """
            import http.server, os
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    data = ('served by web over %s port %s\\n' % (self.headers.get('X-Forwarded-Proto'), self.headers.get('X-Forwarded-Port'))).encode()
                    self.send_response(200)
                    self.send_header('Content-Length', str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()
            """.write(to: directory.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        return directory
    }
}
