import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitKit
import HummingbirdTesting
import Orchestration
import Server
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The gate's push to an origin that refuses it the way a protected branch on GitHub does (a pre-receive hook
/// behind git's smart HTTP): `pr merge` is refused, quoting the remote's reason, and the target stays put.
@Suite(.serialized)
struct ProtectedBranchGateTests {
    static let refusal = """
        #!/bin/sh
        echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
        echo "error: Required status check \\"ci/github\\" is expected." >&2
        exit 1

        """

    @Test func aRefusedPushNamesTheRemotesReason() async throws {
        try await PullRequestFixture.with { fixture in
            let hook = URL(fileURLWithPath: fixture.originPath).appendingPathComponent("hooks/pre-receive")
            try FileManager.default.createDirectory(at: hook.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Self.refusal.write(to: hook, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
            let root = URL(fileURLWithPath: fixture.originPath).deletingLastPathComponent()
            let portFile = root.appendingPathComponent("git-http-port")
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            server.arguments = ["python3", BuiltSlipway.repositoryRoot.appendingPathComponent("ci/lib/git_http_backend.py").path,
                                root.path, portFile.path]
            try server.run()
            defer {
                kill(server.processIdentifier, SIGKILL)
                server.waitUntilExit()
            }
            #expect(try await eventually { FileManager.default.fileExists(atPath: portFile.path) }, "git http-backend did not start")
            let port = try String(contentsOf: portFile, encoding: .utf8)
            let url = "http://127.0.0.1:\(port)/\(URL(fileURLWithPath: fixture.originPath).lastPathComponent)"
            _ = try await fixture.service.store.updatePipeline(named: fixture.pipeline) { $0.repository = url }

            try await fixture.application.test(.router) { client in
                let head = try await fixture.openPullRequest(1, [.write("version.txt", "protected\n")])
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 1, head: head.hex, branch: "feature", updatedAt: Date()))
                await fixture.flow.waitUntilIdle()
                let merge = try #require(try await fixture.status(1).mergeCommit)
                #expect(try await fixture.ciCheck(on: merge)?.state == .success)
                let before = try await fixture.main()
                let answer = try await client.api(.post, "/api/v1/pipelines/shop/prs/1/merge", token: fixture.service.adminToken)
                let outcome = try answer.decode(GateOutcome.self)
                #expect(!outcome.merged)
                #expect(outcome.reason.contains("GH006: Protected branch update failed for refs/heads/main."), "\(outcome.reason)")
                #expect(outcome.reason.contains("Required status check \"ci/github\" is expected."), "\(outcome.reason)")
                #expect(outcome.reason.hasPrefix("the push was refused: "), "\(outcome.reason)")
                print("gate refusal: \(outcome.reason)")
                #expect(try await fixture.main() == before, "the target did not move")
                let decision = try #require(try await fixture.service.store.gateDecisions(pipeline: fixture.pipeline, prNumber: 1, limit: 1).first)
                #expect(decision.verdict == .refused && decision.reason == outcome.reason)
                // The reconciliation the gate asked for fetches from the server: let it end before the server does.
                await fixture.flow.waitUntilIdle()
            }
        }
    }
}
