import Foundation
import Orchestration
import GitKit
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import Sandbox
import Server
import SlipwayModel
import Store
import Testing

/// A pipeline's origin repository (bare, written through libgit2) holding a small web app with a shell test
/// suite, plus the service parts that work on it: store, router with real dynos, the pull-request flow and
/// the API with the webhook route.
struct PullRequestFixture {
    static let webhookSecret = "fixture-webhook-secret"
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/corpus/webhooks")

    let service: TestService
    let runtime: TestRuntime
    let flow: PullRequestFlow
    let origin: Repository
    let originPath: String
    let base: ObjectID
    /// Scripts write here (postdeploy / pr-predestroy markers, when `MARKERS` is set: a sandboxed service hides it);
    /// outside every build and workspace.
    let markers: URL
    let pipeline: ResourceName

    /// The web app answers `GREETING=… PR=… RELEASE=… SECRET=<n chars> VERSION=<version.txt>`.
    static let appSource = """
        import http.server, os
        def line():
            secret = os.environ.get('SECRET_KEY', '')
            return 'GREETING=%s PR=%s RELEASE=%s SECRET=%d VERSION=%s' % (os.environ.get('GREETING', '-'),
                os.environ.get('HEROKU_PR_NUMBER', '-'), os.environ.get('SLIPWAY_RELEASE', '-'), len(secret),
                open('version.txt').read().strip())
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = line().encode()
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()

        """

    static func appJSON(waitForCI: Bool = false, greetingRequired: Bool = false) -> String {
        let greeting = greetingRequired ? #"{ "required": true }"# : #"{ "value": "default greeting", "required": false }"#
        return """
            {
              "env": { "GREETING": \(greeting), "SECRET_KEY": { "generator": "secret" }, "MARKERS": { "required": false } },
              "scripts": {
                "postdeploy": "[ -z \\"$MARKERS\\" ] || echo \\"$SLIPWAY_RELEASE\\" >> \\"$MARKERS/postdeploy-$HEROKU_APP_NAME\\"",
                "pr-predestroy": "[ -z \\"$MARKERS\\" ] || echo gone >> \\"$MARKERS/predestroy-$HEROKU_APP_NAME\\""
              },
              "environments": { "test": {
                "scripts": { "test": "sh bin/run-tests {files}" },
                "formation": { "test": { "quantity": 2 } }
              } },
              "slipway": { "tests": { "files": ["tests/*.sh"] }, "review": { "wait_for_ci": \(waitForCI) } }
            }
            """
    }

    static let runTests = """
        n=0; status=0
        for file in "$@"; do
          n=$((n + 1))
          if sh "$file"; then echo "ok $n - $file"; else echo "not ok $n - $file"; status=1; fi
        done
        echo "1..$n"
        exit $status
        """

    static func make(waitForCI: Bool = false, greetingRequired: Bool = false, testWorkers: Int? = nil,
                     reviewConfigVars: [String: String]? = nil, reaperInterval: Duration = .seconds(3600),
                     originAsURL: Bool = false, launcher: SandboxLauncher = .unsandboxed,
                     origin makeOrigin: ((String) async throws -> (Repository, ObjectID))? = nil,
                     checkObservers: (any SlipwayStore) -> [any CheckObserver] = { _ in [] },
                     reviewAppObservers: (any SlipwayStore) -> [any ReviewAppObserver] = { _ in [] }) async throws -> PullRequestFixture {
        let service = try await TestService.make()
        let runtime = try await TestRuntime.start(service, launcher: launcher)
        let root = service.directory.url
        let markers = root.appendingPathComponent("markers")
        try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        let originPath = root.appendingPathComponent("origin.git").path
        let (origin, base): (Repository, ObjectID)
        if let makeOrigin {
            (origin, base) = try await makeOrigin(originPath)
        } else {
            (origin, base) = try await Self.makeOrigin(at: originPath, waitForCI: waitForCI, greetingRequired: greetingRequired)
        }

        let pipeline = try ResourceName("shop")
        _ = try await service.store.createPipeline(Pipeline(
            name: pipeline, repository: originAsURL ? "file://" + originPath : originPath,
            reviewConfigVars: reviewConfigVars ?? ["GREETING": "pipeline secret greeting", "MARKERS": markers.path]))
        let staging = try ResourceName("shop-staging")
        _ = try await service.store.createApp(App(name: staging, pipeline: pipeline, stage: .staging))
        _ = try await service.store.updateConfigVars(app: staging, set: ["GREETING": "staging", "MARKERS": markers.path],
                                                     unset: [], description: nil)
        let flow = PullRequestFlow(store: service.store, deployer: runtime.deployer, settings: PullRequestSettings(
            dataDirectory: root, domain: "localhost", routerPort: runtime.routerPort, pollInterval: nil,
            reaperInterval: reaperInterval, testWorkers: testWorkers, launcher: launcher),
            checkObservers: checkObservers(service.store), reviewAppObservers: reviewAppObservers(service.store))
        return PullRequestFixture(service: service, runtime: runtime, flow: flow, origin: origin, originPath: originPath,
                                  base: base, markers: markers, pipeline: pipeline)
    }

    /// A bare repository with the fixture app on `main` (`extraTests` adds test files).
    static func makeOrigin(at path: String, waitForCI: Bool = false, greetingRequired: Bool = false,
                           extraTests: [FileChange] = []) async throws -> (Repository, ObjectID) {
        let origin = try Repository.initBare(path: path)
        let base = try await origin.commit(parent: nil, changes: [
            .write("Procfile", "web: exec python3 app.py\n"),
            .write("app.py", appSource),
            .write("app.json", appJSON(waitForCI: waitForCI, greetingRequired: greetingRequired)),
            .write("version.txt", "base\n"),
            .write("greeting.txt", "Hello\n"),
            .write("bin/run-tests", runTests),
            .write("tests/t1.sh", "true\n"),
            .write("tests/t2.sh", "test -f app.py\n"),
            .write("tests/t3.sh", "true\n"),
        ] + extraTests, message: "base\n")
        try await origin.setReference("refs/heads/main", to: base)
        return (origin, base)
    }

    var application: some ApplicationProtocol {
        buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer,
                         pullRequests: PullRequestWiring(flow: flow, webhookSecret: Self.webhookSecret))
    }

    /// Runs `body` with a new fixture and always shuts it down, whether `body` returns or throws.
    static func with(waitForCI: Bool = false, greetingRequired: Bool = false, testWorkers: Int? = nil,
                     reviewConfigVars: [String: String]? = nil, reaperInterval: Duration = .seconds(3600),
                     originAsURL: Bool = false, launcher: SandboxLauncher = .unsandboxed,
                     origin makeOrigin: ((String) async throws -> (Repository, ObjectID))? = nil,
                     checkObservers: (any SlipwayStore) -> [any CheckObserver] = { _ in [] },
                     reviewAppObservers: (any SlipwayStore) -> [any ReviewAppObserver] = { _ in [] },
                     _ body: (PullRequestFixture) async throws -> Void) async throws {
        let fixture = try await make(waitForCI: waitForCI, greetingRequired: greetingRequired, testWorkers: testWorkers,
                                     reviewConfigVars: reviewConfigVars, reaperInterval: reaperInterval,
                                     originAsURL: originAsURL, launcher: launcher, origin: makeOrigin,
                                     checkObservers: checkObservers, reviewAppObservers: reviewAppObservers)
        do {
            try await body(fixture)
        } catch {
            try? await fixture.shutdown()
            throw error
        }
        try await fixture.shutdown()
    }

    func shutdown() async throws {
        await flow.shutdown()
        try await runtime.shutdown()
        try await service.close()
        service.directory.remove()
    }

    // MARK: The repository

    /// Writes a commit on `parent` (default: the base) and points `refs/pull/<N>/head` at it.
    @discardableResult
    func openPullRequest(_ number: Int, on parent: ObjectID? = nil, _ changes: [FileChange]) async throws -> ObjectID {
        let head = try await origin.commit(parent: parent ?? base, changes: changes, message: "pull request \(number)\n",
                                           time: Date(timeIntervalSince1970: 1_767_225_600 + Double(number)))
        try await origin.setReference("refs/pull/\(number)/head", to: head)
        return head
    }

    /// Moves `main` forward by one commit with `changes`.
    @discardableResult
    func pushToMain(_ changes: [FileChange]) async throws -> ObjectID {
        let tip = try await origin.resolve("refs/heads/main")
        let next = try await origin.commit(parent: tip, changes: changes, message: "on main\n")
        try await origin.setReference("refs/heads/main", to: next)
        return next
    }

    func main() async throws -> ObjectID { try await origin.resolve("refs/heads/main") }

    // MARK: Observing

    /// GET / through the router with the review app's (or any) host; nil when nothing answered.
    func fetch(host: String) async -> HTTPProbe.Answer? {
        await HTTPProbe.get(port: runtime.routerPort, path: "/", host: host, timeout: .seconds(5))
    }

    func reviewHost(_ number: Int) -> String { ReviewAppNaming.host(pipeline: pipeline.rawValue, prNumber: number, domain: "localhost") }

    func ciCheck(on commit: String) async throws -> Check? {
        try await service.store.latestChecks(pipeline: pipeline, commit: commit).first { $0.context == CheckContext.ci }
    }

    func status(_ number: Int) async throws -> PullRequestStatusResource {
        PullRequestStatusResource(try await flow.status(pipeline: pipeline, number: number))
    }

    func sync() async {
        await flow.requestReconcile(pipeline)
        await flow.waitUntilIdle()
    }

    // MARK: Webhooks

    /// A real GitHub `pull_request` payload (the corpus's) with this pull request's number, action, head and time.
    static func pullRequestPayload(action: String, number: Int, head: String, branch: String, updatedAt: Date,
                                   merged: Bool = false, fork: Bool = false) throws -> Data {
        var payload = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: corpus.appendingPathComponent("001-pull_request-opened.payload.json"))) as? [String: Any])
        var pull = try #require(payload["pull_request"] as? [String: Any])
        var headSide = try #require(pull["head"] as? [String: Any])
        headSide["sha"] = head
        headSide["ref"] = branch
        if fork, var repo = headSide["repo"] as? [String: Any] {
            repo["full_name"] = "someone-else/Hello-World"
            headSide["repo"] = repo
        }
        pull["head"] = headSide
        pull["number"] = number
        pull["merged"] = merged
        pull["updated_at"] = ISO8601DateFormatter().string(from: updatedAt)
        payload["pull_request"] = pull
        payload["number"] = number
        payload["action"] = action
        return try JSONSerialization.data(withJSONObject: payload)
    }

    static func pushPayload() throws -> Data {
        try Data(contentsOf: corpus.appendingPathComponent("005-push-payload.json"))
    }
}

extension TestClientProtocol {
    /// POST /webhooks/github?pipeline=shop, signed with the fixture's secret unless `signature` is given.
    @discardableResult
    func webhook(_ event: String, _ body: Data, delivery: String = UUID().uuidString, signature: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("X-GitHub-Event")!] = event
        headers[HTTPField.Name("X-GitHub-Delivery")!] = delivery
        headers[HTTPField.Name(WebhookSignature.headerName)!] = signature ?? WebhookSignature.sign(body, secret: PullRequestFixture.webhookSecret)
        headers[.contentType] = "application/json"
        return try await execute(uri: "/webhooks/github?pipeline=shop", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}
