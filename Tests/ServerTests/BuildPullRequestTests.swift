import AddOns
import Foundation
import Orchestration
import GitKit
import HummingbirdTesting
import Platform
import Sandbox
import Server
import SlipwayModel
import Store
import Testing

/// Real apps built like Heroku's buildpacks, opened as pull requests: the Django fixture (real Django,
/// gunicorn and whitenoise from PyPI) and the Node.js fixture (a `file:` dependency, offline). The test run
/// builds once in the test context and its workers reuse it; the review app is an app build; a second pull
/// request that only changes a template restores the venv from the pipeline's cache.
@Suite(.serialized)
struct BuildPullRequestTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/apps")

    @Test("Django: tests green on the test build, the review app serves through gunicorn, a template-only PR builds from the cache")
    func django() async throws {
        let fixture = try await Self.pipeline(app: "django")
        do {
            try await fixture.application.test(.router) { client in
                let template = "hello/templates/hello/index.html"
                let original = try String(contentsOf: Self.fixtures.appendingPathComponent("django/\(template)"), encoding: .utf8)

                // Cold: the test build installs from PyPI, the review app's build restores what it installed.
                try await Self.open(1, fixture, client, [.write(template, original.replacingOccurrences(of: "base", with: "change one"))])
                let first = try await fixture.status(1)
                let merge = try #require(first.mergeCommit)
                let check = try #require(try await fixture.ciCheck(on: merge))
                #expect(check.state == .success, "\(check.description)")
                #expect(first.reviewApp?.state == "deployed", "\(first)")
                let page = try #require(await fixture.fetch(host: fixture.reviewHost(1)))
                #expect(page.status == 200)
                #expect(page.body.contains("<h1>Hello from Django</h1>"), "\(page.body)")
                #expect(page.body.contains("change one") && page.body.contains("pull request 1"), "\(page.body)")
                let cold = try Self.logs(fixture)
                let coldTest = try #require(cold.first { $0.contains("(test build") })
                #expect(coldTest.contains("-----> Installing requirements with pip"), "\(coldTest)")
                #expect(coldTest.contains("Successfully installed") && coldTest.contains("Django-5.1.4"), "pip really installed Django")
                #expect(coldTest.contains("-----> $ python manage.py collectstatic --noinput"))
                let coldApp = try #require(cold.first { $0.contains("(app build") })
                #expect(coldApp.contains("-----> Restoring the virtual environment from the cache"), "\(coldApp)")
                #expect(!coldApp.contains("Installing requirements with pip"))

                // Warm: only a template changed, so both builds restore the venv and pip never runs.
                try await Self.open(2, fixture, client, [.write(template, original.replacingOccurrences(of: "base", with: "change two"))])
                let second = try await fixture.status(2)
                let secondMerge = try #require(second.mergeCommit)
                #expect(try await fixture.ciCheck(on: secondMerge)?.state == .success)
                #expect(await fixture.fetch(host: fixture.reviewHost(2))?.body.contains("change two") == true)
                let warm = try Self.logs(fixture).filter { !cold.contains($0) }
                #expect(warm.count == 2, "a test build and an app build for the second pull request")
                for log in warm {
                    #expect(log.contains("-----> Restoring the virtual environment from the cache"), "\(log)")
                    #expect(!log.contains("pip install") && !log.contains("Installing requirements"), "no package downloaded: \(log)")
                }
                // The restored venv is the cached one: hard links, not a new download or copy.
                let builds = try await fixture.service.store.builds()
                let reviewBuild = try #require(builds.first { $0.source == .commit(second.mergeCommit ?? "") })
                let django = "/.heroku/python/lib/python3.11/site-packages/django/__init__.py"
                let attributes = try FileManager.default.attributesOfItem(atPath: reviewBuild.directory + django)
                #expect((attributes[.referenceCount] as? NSNumber)?.intValue ?? 0 >= 3, "cache, first builds and this one share the file")
                #expect(reviewBuild.outputTail.contains("Restoring the virtual environment"), "the store keeps the build's tail")
            }
        } catch {
            try? await fixture.shutdown()
            throw error
        }
        try await fixture.shutdown()
    }

    @Test("Node: npm ci of a file: dependency, the build script, npm test with devDependencies, the review app on npm start")
    func node() async throws {
        let fixture = try await Self.pipeline(app: "node")
        do {
            try await fixture.application.test(.router) { client in
                let buildScript = try String(contentsOf: Self.fixtures.appendingPathComponent("node/build.js"), encoding: .utf8)
                try await Self.open(1, fixture, client, [
                    .write("build.js", buildScript.replacingOccurrences(of: "greet('built world')", with: "greet('built world, PR one')")),
                ])
                let status = try await fixture.status(1)
                let merge = try #require(status.mergeCommit)
                let check = try #require(try await fixture.ciCheck(on: merge))
                #expect(check.state == .success, "\(check.description)")
                #expect(status.reviewApp?.state == "deployed", "\(status)")
                let page = try #require(await fixture.fetch(host: fixture.reviewHost(1)))
                #expect(page.body == "Hello, review app | Hello, built world, PR one | PR=1 | devDependencies pruned | NODE_ENV=production",
                        "\(page.body)")
                let logs = try Self.logs(fixture)
                let testBuild = try #require(logs.first { $0.contains("(test build") })
                #expect(testBuild.contains("-----> Installing dependencies with npm (package-lock.json)"), "\(testBuild)")
                #expect(testBuild.contains("-----> Running build") && testBuild.contains("devDependencies kept"))
                let appBuild = try #require(logs.first { $0.contains("(app build") })
                #expect(appBuild.contains("-----> Pruning devDependencies"), "\(appBuild)")
            }
        } catch {
            try? await fixture.shutdown()
            throw error
        }
        try await fixture.shutdown()
    }

    // MARK: Support

    /// A pipeline whose origin's `main` holds the fixture app `name` as it is in `fixtures/apps`. Sandboxed, as
    /// `serve` runs it: every build step, test and dyno sees the tree at `/app` as its own uid. With `addOns`,
    /// the deployer provisions add-ons on managed servers in the service's directory (`runtime.deployer.addons`).
    static func pipeline(app name: String, addOns: Bool = false) async throws -> PullRequestFixture {
        let service = try await TestService.make()
        let setup = try SandboxSetup.prepare(stateDirectory: service.directory.url.appendingPathComponent("sandbox").path)
        try await setup.verify()
        let launcher = SandboxLauncher(.sandboxed(setup))
        let provisioner = try addOns ? AddOnProvisioner(AddOnConfiguration(
            directory: service.directory.url.appendingPathComponent("addons"), durable: false)) : nil
        let runtime = try await TestRuntime.start(service, launcher: launcher, addons: provisioner)
        let root = service.directory.url
        let originPath = root.appendingPathComponent("origin.git").path
        let origin = try Repository.initBare(path: originPath)
        let base = try await origin.commit(parent: nil, changes: try files(of: fixtures.appendingPathComponent(name)),
                                           message: "base\n")
        try await origin.setReference("refs/heads/main", to: base)
        let pipeline = try ResourceName("shop")
        _ = try await service.store.createPipeline(Pipeline(name: pipeline, repository: originPath))
        let flow = PullRequestFlow(store: service.store, deployer: runtime.deployer, settings: PullRequestSettings(
            dataDirectory: root, domain: "localhost", routerPort: runtime.routerPort, pollInterval: nil,
            reaperInterval: .seconds(3600), testWorkers: 2, launcher: launcher))
        return PullRequestFixture(service: service, runtime: runtime, flow: flow, origin: origin, originPath: originPath,
                                  base: base, markers: root, pipeline: pipeline)
    }

    /// Every file of a fixture app (what `git add .` would take: no installed or generated directories).
    static func files(of directory: URL) throws -> [FileChange] {
        let skipped: Set<String> = ["node_modules", "public", "staticfiles", "__pycache__", ".heroku"]
        var changes: [FileChange] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory.path))
        while let path = enumerator.nextObject() as? String {
            if path.split(separator: "/").contains(where: { skipped.contains(String($0)) }) { continue }
            let full = directory.appendingPathComponent(path).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            changes.append(.write(path, try String(contentsOfFile: full, encoding: .utf8),
                                  executable: FileManager.default.isExecutableFile(atPath: full)))
        }
        return changes
    }

    /// Opens pull request `number` with `changes` on the base and waits until its test run and review app are done.
    static func open(_ number: Int, _ fixture: PullRequestFixture, _ client: any TestClientProtocol, _ changes: [FileChange]) async throws {
        let head = try await fixture.openPullRequest(number, changes)
        let answer = try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
            action: "opened", number: number, head: head.hex, branch: "feature-\(number)", updatedAt: Date()))
        #expect(answer.status == .accepted, "\(answer.text)")
        await fixture.flow.waitUntilIdle()
        // A review app waiting for CI deploys on the reconcile the finished run asks for.
        await fixture.sync()
    }

    /// The build logs under the data dir, oldest first.
    static func logs(_ fixture: PullRequestFixture) throws -> [String] {
        let directory = fixture.service.directory.url.appendingPathComponent("builds")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".log") }
        let files = names.map { directory.appendingPathComponent($0) }
        let dated = try files.map { ($0, try FileManager.default.attributesOfItem(atPath: $0.path)[.modificationDate] as? Date ?? .distantPast) }
        return try dated.sorted { $0.1 < $1.1 }.map { try String(contentsOf: $0.0, encoding: .utf8) }
    }
}
