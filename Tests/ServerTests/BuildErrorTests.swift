import Foundation
import HummingbirdTesting
import Platform
import Server
import SlipwayModel
import Store
import Testing

/// Builds that cannot succeed, deployed through the API onto an app that serves: each error names the file
/// and what to do, carries the build's last lines, and the previous release keeps serving.
@Suite(.serialized)
struct BuildErrorTests {
    /// A copy of the deploy tests' web app (python3's http.server, no dependencies) with `files` added.
    static func source(in parent: URL, body: String, files: [String: String]) throws -> URL {
        let directory = try DeployTests.fixture(in: parent, body: body)
        for (path, text) in files {
            let file = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return directory
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var files: [String: String]
        /// Every one of these is in the error message.
        var mentions: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "two lock files", files: [
            "package.json": #"{ "name": "two-locks", "version": "1.0.0" }"#,
            "package-lock.json": #"{ "name": "two-locks", "lockfileVersion": 3, "packages": {} }"#,
            "yarn.lock": "# yarn lockfile v1\n",
        ], mentions: ["package-lock.json and yarn.lock", "delete the lock file"]),
        Case(name: "an unknown buildpack", files: [
            "app.json": #"{ "buildpacks": [ { "url": "heroku/python" }, { "url": "https://github.com/someone/heroku-buildpack-rust" } ] }"#,
        ], mentions: ["app.json buildpacks[1]", "https://github.com/someone/heroku-buildpack-rust", "heroku/nodejs"]),
        Case(name: "a Python version that is not installed", files: [
            ".python-version": "2.7\n", "requirements.txt": "",
        ], mentions: [".python-version asks for Python 2.7", "this machine has Python 3.", "change .python-version to 3."]),
        Case(name: "a Node version that is not installed", files: [
            "package.json": #"{ "name": "old-node", "version": "1.0.0", "engines": { "node": "8.x" } }"#,
        ], mentions: ["package.json engines.node asks for \"8.x\"", "this machine has Node ", "change engines.node"]),
        Case(name: "a failing npm install", files: [
            "package.json": #"{ "name": "broken-dep", "version": "1.0.0", "dependencies": { "broken-lib": "file:broken-lib.tgz" } }"#,
            "broken-lib.tgz": "not a tarball\n",
        ], mentions: ["npm could not install the dependencies of package.json", "npm install --include=dev", "TAR_BAD_ARCHIVE"]),
    ]

    @Test("a build error names the file and what to do; the previous release keeps serving", arguments: cases)
    func buildError(_ broken: Case) async throws {
        try await Self.withServingApp { client, token, sources, port in
            let directory = try Self.source(in: sources, body: "broken", files: broken.files)
            let response = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token,
                                                json: #"{"directory":"\#(directory.path)"}"#)
            #expect(response.status == .unprocessableContent, "\(response.text)")
            let message = try #require(response.error?.message)
            for mention in broken.mentions { #expect(message.contains(mention), "\(mention) not in: \(message)") }
            #expect(message.contains("-----> "), "the build's last lines come with the error: \(message)")
            #expect(try await DeployTests.fetch(port: port, host: "shop-staging.localhost") == "good")
        }
    }

    /// pip against the real PyPI: a requirement that does not exist fails the install with pip's own words.
    @Test("a failing pip install fails the build with pip's output; the previous release keeps serving")
    func failingPipInstall() async throws {
        try await Self.withServingApp { client, token, sources, port in
            let directory = try Self.source(in: sources, body: "broken", files: [
                "requirements.txt": "slipway-fixture-no-such-package-4242==1.0\n",
            ])
            let response = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token,
                                                json: #"{"directory":"\#(directory.path)"}"#)
            #expect(response.status == .unprocessableContent)
            let message = try #require(response.error?.message)
            #expect(message.contains("pip could not install requirements.txt: fix the requirement named above in requirements.txt"), "\(message)")
            #expect(message.contains("slipway-fixture-no-such-package-4242"), "pip's output is in the tail: \(message)")
            #expect(message.contains("-----> Installing requirements with pip"), "\(message)")
            #expect(try await DeployTests.fetch(port: port, host: "shop-staging.localhost") == "good")
        }
    }

    /// An app deployed from a directory with no dependencies, serving "good".
    static func withServingApp(_ body: @Sendable (any TestClientProtocol, String, URL, Int) async throws -> Void) async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        let sources = service.directory.url.appendingPathComponent("sources")
        do {
            try await app.test(.router) { client in
                let token = service.adminToken
                try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop-staging"}"#)
                let good = try DeployTests.fixture(in: sources, body: "good")
                let deployed = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token,
                                                    json: #"{"directory":"\#(good.path)"}"#).decode(DeployResultResource.self)
                #expect(deployed.succeeded, "\(deployed.reason ?? "")")
                try await body(client, token, sources, runtime.routerPort)
                let releases = try await client.api(.get, "/api/v1/apps/shop-staging/releases", token: token).decode([ReleaseResource].self)
                #expect(releases.filter { $0.state == "succeeded" }.count == releases.count, "a failed build makes no release")
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
