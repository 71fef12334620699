import Foundation
import GitKit
import HummingbirdTesting
import Platform
import Sandbox
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// The attacker's pull request (issue 12): a test file and a web dyno that try to reach the service's secrets,
/// other apps and the service process, run by the pull-request flow with the service's sandbox (real
/// repository, real webhook payloads, real test processes and dynos). Every item is asserted separately.
@Suite(.serialized)
struct SandboxProbeTests {
    /// Probes print `name=yes|no` lines; `yes` means the attempt worked.
    static func probeScript(data: String, servicePID: Int32, otherApp: String) -> String {
        """
        D='\(data)'; P=\(servicePID); O='\(otherApp)'
        r() { if sh -c "$2" >/dev/null 2>&1; then echo "$1=yes"; else echo "$1=no"; fi; }
        r token "cat $D/admin-token"
        r token_found "find / -path /proc -prune -o -path /usr -prune -o -name admin-token -print 2>/dev/null | grep -q ."
        r webhook "cat $D/webhook-secret"
        r webhook_found "find / -path /proc -prune -o -path /usr -prune -o -name webhook-secret -print 2>/dev/null | grep -q ."
        r sqlite "head -c 16 $D/slipway.sqlite | grep -q SQLite"
        r sqlite_found "find / -path /proc -prune -o -path /usr -prune -o -name 'slipway.sqlite*' -print 2>/dev/null | grep -q ."
        r other_app "ls -A $O | grep -q ."
        r other_app_files "cat $O/dynos/*/upper/mine.txt"
        r environ "grep -q . /proc/$P/environ"
        r signal "kill -0 $P"
        r write_data "touch $D/pwned"
        r write_system "touch /usr/pwned || touch /etc/pwned || touch /pwned"
        echo "uid=$(id -u)"
        echo "dyno_file=$(cat /app/mine.txt 2>/dev/null)"

        """
    }

    static let appSource = """
        import http.server, os, subprocess
        open('mine.txt', 'w').write('secret of ' + os.environ.get('HEROKU_APP_NAME', '-'))
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                # The health check asks for /; the probe answers on /probe.
                body = subprocess.run(['sh', 'probe.sh'], capture_output=True).stdout if self.path == '/probe' else b'ok'
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()

        """

    static func results(_ text: String) -> [String: String] {
        var results: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { results[String(parts[0])] = String(parts[1]) }
        }
        return results
    }

    /// Checks every item of the probe; `source` names where it ran.
    static func expectContained(_ results: [String: String], _ source: String) {
        for attempt in ["token", "token_found", "webhook", "webhook_found", "sqlite", "sqlite_found", "other_app",
                        "other_app_files", "environ", "signal", "write_data", "write_system"] {
            #expect(results[attempt] == "no", "\(source): \(attempt) = \(results[attempt] ?? "not reported")")
        }
        let uid = results["uid"].flatMap { UInt32($0) }
        #expect(uid != nil && uid != 0, "\(source) ran as uid \(results["uid"] ?? "?")")
        #expect(uid != geteuid(), "\(source) ran as the service's uid")
    }

    @Test("a test file and a web dyno of a pull request reach none of the service's secrets; two review apps stay apart")
    func probe() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-probe-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let setup = try SandboxSetup.prepare(stateDirectory: state.path)
        try await setup.verify()
        let launcher = SandboxLauncher(.sandboxed(setup))
        let fixture = try await PullRequestFixture.make(testWorkers: 1, launcher: launcher) { path in
            try await PullRequestFixture.makeOrigin(at: path)
        }
        do {
            let data = fixture.service.directory.url.path
            _ = try WebhookSecret.load(dataDirectory: fixture.service.directory.url, environment: nil)
            #expect(FileManager.default.fileExists(atPath: data + "/admin-token"))
            #expect(FileManager.default.fileExists(atPath: data + "/webhook-secret"))
            try await fixture.application.test(.router) { client in
                // Two pull requests, each probing the other's app directory.
                var heads: [Int: ObjectID] = [:]
                for (number, other) in [(1, 2), (2, 1)] {
                    let probe = Self.probeScript(data: data, servicePID: getpid(), otherApp: data + "/apps/shop-pr-\(other)")
                    heads[number] = try await fixture.openPullRequest(number, [
                        .write("probe.sh", probe),
                        .write("app.py", Self.appSource),
                        .write("tests/t1.sh", "sh probe.sh; exit 1\n"),
                        // No postdeploy: the fixture's writes to a directory outside the sandbox.
                        .write("app.json", #"{"environments": {"test": {"scripts": {"test": "sh bin/run-tests {files}"}}}, "#
                               + #""slipway": {"tests": {"files": ["tests/*.sh"]}}}"#),
                        .delete("tests/t2.sh"), .delete("tests/t3.sh"),
                    ])
                }
                for number in [1, 2] {
                    let answer = try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                        action: "opened", number: number, head: try #require(heads[number]).hex, branch: "probe-\(number)",
                        updatedAt: Date()))
                    #expect(answer.status == .accepted, "\(answer.text)")
                }
                await fixture.flow.waitUntilIdle()

                var uids: Set<String> = []
                for number in [1, 2] {
                    // From a test file: the failing test's stored output.
                    let run = try #require(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: number,
                                                                                  limit: 1).first)
                    let failure = run.fileResults.first { $0.path == "tests/t1.sh" }?.failure ?? ""
                    let fromTest = Self.results(failure)
                    #expect(fromTest["uid"] != nil, "the probe test did not report: \(failure) \(run.message ?? "")")
                    Self.expectContained(fromTest, "test file of PR \(number)")

                    // From the web dyno.
                    let status = try await fixture.status(number)
                    #expect(status.reviewApp?.state == "deployed", "review app \(number): \(String(describing: status.reviewApp))")
                    let answer = try #require(await HTTPProbe.get(port: fixture.runtime.routerPort, path: "/probe",
                                                                  host: fixture.reviewHost(number), timeout: .seconds(60)),
                                              "review app \(number) does not answer")
                    let fromDyno = Self.results(answer.body)
                    #expect(fromDyno["uid"] != nil, "the web dyno did not report: \(answer.body)")
                    Self.expectContained(fromDyno, "web dyno of PR \(number)")
                    #expect(fromDyno["dyno_file"] == "secret of shop-pr-\(number)", "each dyno sees only its own layer")
                    #expect(fromTest["uid"] != fromDyno["uid"], "the test run and the app share a uid")
                    uids.insert(fromDyno["uid"] ?? "")
                }
                #expect(uids.count == 2, "the two review apps share a uid")
                #expect(!FileManager.default.fileExists(atPath: data + "/pwned"))
            }
        } catch {
            try await fixture.shutdown()
            throw error
        }
        try await fixture.shutdown()
    }
}

/// The same probe through a real `slipway serve` process (sandboxed by default): a real repository, `pr sync`,
/// the failing probe test's output read back with `test-runs info --json`, the web dyno asked through the router.
@Suite(.serialized) struct ServeSandboxProbeTests {
    @Test func theProbeThroughServe() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let serve = ["serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
                     "--poll-seconds", "0", "--test-workers", "1",
                     // The origin lies beside the data dir, not in it.
                     "--allow-path", directory.url.path]
        let client = ["--server", "http://127.0.0.1:\(apiPort)", "--data-dir", data.path]
        let started = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(180), started: started) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })
        let servicePID = try #require(started.pid)

        let originPath = directory.url.appendingPathComponent("origin.git").path
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath)
        let probe = SandboxProbeTests.probeScript(data: data.path, servicePID: servicePID, otherApp: data.path + "/apps/shop-staging")
        let head = try await origin.commit(parent: base, changes: [
            .write("probe.sh", probe), .write("app.py", SandboxProbeTests.appSource),
            .write("tests/t1.sh", "sh probe.sh; exit 1\n"), .delete("tests/t2.sh"), .delete("tests/t3.sh"),
            .write("app.json", #"{"environments": {"test": {"scripts": {"test": "sh bin/run-tests {files}"}}}, "#
                   + #""slipway": {"tests": {"files": ["tests/*.sh"]}}}"#),
        ], message: "probe\n")
        try await origin.setReference("refs/pull/1/head", to: head)
        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        #expect(try await SlipwayBinary.run(["pr", "sync", "--wait"] + client, timeout: .seconds(120)).status == 0)

        let status = try #require(try await SlipwayBinary.run(["pr", "status", "1", "--json"] + client).json() as? [String: Any])
        let runID = try #require((status["test_runs"] as? [[String: Any]])?.first?["id"] as? String, "\(status)")
        let info = try #require(try await SlipwayBinary.run(["test-runs", "info", runID, "--json"] + client).json() as? [String: Any])
        let files = (info["file_results"] as? [[String: Any]]) ?? (info["files"] as? [[String: Any]]) ?? []
        let failure = files.first { $0["path"] as? String == "tests/t1.sh" }?["failure"] as? String ?? ""
        let fromTest = SandboxProbeTests.results(failure)
        #expect(fromTest["uid"] != nil, "the probe test did not report: \(info)")
        SandboxProbeTests.expectContained(fromTest, "test file (serve)")

        let answer = await HTTPProbe.get(port: routerPort, path: "/probe", host: "pr-1.shop.localhost", timeout: .seconds(60))
        let fromDyno = SandboxProbeTests.results(answer?.body ?? "")
        #expect(fromDyno["uid"] != nil, "the web dyno did not report: \(answer?.body ?? "no answer") \(status)")
        SandboxProbeTests.expectContained(fromDyno, "web dyno (serve)")
        #expect(!FileManager.default.fileExists(atPath: data.path + "/pwned"))

        kill(servicePID, SIGTERM)
        let stopped = try await serving.value
        #expect(stopped.status == 0)
        #expect(stopped.stdout.contains("sandbox: bubblewrap"), "\(stopped.stdout)")
    }
}
