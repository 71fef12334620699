import Foundation
import GitKit
import HummingbirdTesting
import Server
import SlipwayModel
import Testing

/// `serve --allow-path DIR`: deploys from a directory or a repository path, and pipelines on a local path or
/// `file://` URL, are refused (403 naming the field) outside the data dir and the allowed roots, after resolving
/// symlinks and `..`; URLs are not local paths and pass. The real router, store and deployer.
@Suite struct LocalPathPolicyTests {
    @Test func localPathsOutsideTheAllowedRootsAreRefused() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let root = service.directory.url
        let data = root.appendingPathComponent("data")
        let allowed = root.appendingPathComponent("allowed")
        let outside = root.appendingPathComponent("outside")
        for directory in [data, allowed, outside] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        let inside = try DeployTests.fixture(in: allowed, body: "allowed")
        let elsewhere = try DeployTests.fixture(in: outside, body: "outside")
        // A link inside the allowed root to a directory outside it, and a `..` walk out of it.
        let link = allowed.appendingPathComponent("link-out")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: elsewhere)
        let walk = allowed.path + "/../outside/" + elsewhere.lastPathComponent
        _ = try Repository.initBare(path: allowed.appendingPathComponent("origin.git").path)
        _ = try Repository.initBare(path: outside.appendingPathComponent("origin.git").path)
        _ = try Repository.initBare(path: data.appendingPathComponent("own.git").path)

        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer,
                                   localPaths: LocalPathPolicy(dataDirectory: data, allowed: [allowed]))
        do {
            try await app.test(.router) { client in
                let token = service.adminToken
                try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop"}"#)
                for path in [elsewhere.path, link.path, walk] {
                    let refused = try await client.api(.post, "/api/v1/apps/shop/deploys", token: token, json: #"{"directory":"\#(path)"}"#)
                    #expect(refused.status == .forbidden, "\(path): \(refused.text)")
                    #expect(refused.text.contains("path_not_allowed") && refused.text.contains("--allow-path") && refused.text.contains("directory"),
                            "\(refused.text)")
                }
                let repositoryDeploy = try await client.api(.post, "/api/v1/apps/shop/deploys", token: token,
                                                            json: #"{"repository":"\#(outside.path)/origin.git","rev":"main"}"#)
                #expect(repositoryDeploy.status == .forbidden && repositoryDeploy.text.contains("repository"), "\(repositoryDeploy.text)")
                let deployed = try await client.api(.post, "/api/v1/apps/shop/deploys", token: token, json: #"{"directory":"\#(inside.path)"}"#)
                #expect(deployed.status == .created, "\(deployed.text)")

                for repository in [outside.path + "/origin.git", "file://" + outside.path + "/origin.git"] {
                    let pipeline = try await client.api(.post, "/api/v1/pipelines", token: token,
                                                        json: #"{"name":"p\#(repository.count)","repository":"\#(repository)"}"#)
                    #expect(pipeline.status == .forbidden && pipeline.text.contains("repository"), "\(repository): \(pipeline.text)")
                }
                for (name, repository) in [("mine", allowed.path + "/origin.git"), ("own", data.path + "/own.git"),
                                            ("remote", "https://github.com/octo/shop.git")] {
                    let pipeline = try await client.api(.post, "/api/v1/pipelines", token: token,
                                                        json: #"{"name":"\#(name)","repository":"\#(repository)"}"#)
                    #expect(pipeline.status == .created, "\(repository): \(pipeline.text)")
                }
                // Moving a pipeline out of the allowed roots is refused the same way, and changes nothing.
                let moved = try await client.api(.patch, "/api/v1/pipelines/mine", token: token,
                                                 json: #"{"repository":"\#(outside.path)/origin.git"}"#)
                #expect(moved.status == .forbidden, "\(moved.text)")
                #expect(try await service.store.pipeline(named: ResourceName("mine")).repository == allowed.path + "/origin.git")
            }
        } catch {
            try? await runtime.shutdown()
            throw error
        }
        try await runtime.shutdown()
    }
}
