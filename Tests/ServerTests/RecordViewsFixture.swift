import Foundation
import SlipwayModel
import Store

/// A pipeline with what CI, the gate and review apps record, written straight into the store (the PR
/// lifecycle that writes it for real is another issue's): two review apps live and one destroyed, a
/// staging app, a finished test run with two shards and a flaky and a failed file, a pending run of
/// another PR, checks with history on one commit, gate decisions and a build.
struct RecordViewsFixture {
    static let sha = "3f2a1c0e9b8d7a6f5e4d3c2b1a0f9e8d7c6b5a49"
    static let otherSHA = String(repeating: "b", count: 64)
    static let buildID = "0a1b2c3d4e5f60718293a4b5"

    var finishedRun: TestRun
    var pendingRun: TestRun

    static func seed(_ store: any SlipwayStore) async throws -> RecordViewsFixture {
        let shop = try ResourceName("shop")
        _ = try await store.createPipeline(Pipeline(name: shop, repository: "/srv/git/shop"))
        _ = try await store.createApp(App(name: try ResourceName("shop-staging"), pipeline: shop, stage: .staging))
        let deployedAt = Date(timeIntervalSince1970: 1_790_000_000)
        _ = try await store.createApp(App(name: try ResourceName("shop-pr-7"), pipeline: shop, stage: .review, review: ReviewAppDetails(
            prNumber: 7, branch: "feature/cart", headCommit: sha, mergeCommit: otherSHA, state: .deployed,
            lastDeployedAt: deployedAt, urlHost: "pr-7.shop.localhost")))
        _ = try await store.createApp(App(name: try ResourceName("shop-pr-9"), pipeline: shop, stage: .review, review: ReviewAppDetails(
            prNumber: 9, branch: "fix/typo", headCommit: otherSHA, fromFork: true, state: .creating)))
        _ = try await store.createApp(App(name: try ResourceName("shop-pr-5"), pipeline: shop, stage: .review, review: ReviewAppDetails(
            prNumber: 5, branch: "old", headCommit: sha, state: .destroyed, urlHost: "pr-5.shop.localhost")))

        var run = try await store.createTestRun(pipeline: shop, prNumber: 7, branch: "feature/cart", commit: sha, workers: 2, split: "timings")
        run.state = .failed
        run.startedAt = Date()
        run.finishedAt = Date().addingTimeInterval(3.25)
        run.wallTimeSeconds = 3.25
        run.message = "1 file failed"
        run.shards = [
            TestShard(index: 1, files: ["c_test.sh"], state: .failed, startOffsetSeconds: 0.1, endOffsetSeconds: 3.25, outputTail: "boom"),
            TestShard(index: 0, files: ["a_test.sh", "b_test.sh"], state: .succeeded, startOffsetSeconds: 0, endOffsetSeconds: 3.1),
        ]
        run.fileResults = [
            TestFileResult(path: "a_test.sh", worker: 0, seconds: 1.5, status: .passed),
            TestFileResult(path: "b_test.sh", worker: 0, seconds: 1.6, status: .flaky, attempts: 2, failure: "timeout"),
            TestFileResult(path: "c_test.sh", worker: 1, seconds: 3.1, status: .failed, failure: "exit 1\nexpected 2"),
        ]
        let finished = try await store.updateTestRun(run)
        let pending = try await store.createTestRun(pipeline: shop, prNumber: 9, branch: "fix/typo", commit: otherSHA, workers: 1, split: nil)

        _ = try await store.recordCheck(pipeline: shop, commit: sha, context: "ci", state: .pending, description: "running", targetURL: nil)
        _ = try await store.recordCheck(pipeline: shop, commit: sha, context: "lint", state: .failure, description: "2 problems", targetURL: nil)
        _ = try await store.recordCheck(pipeline: shop, commit: sha, context: "ci", state: .success, description: "3 files passed",
                                        targetURL: "http://127.0.0.1:5100/test-runs/\(finished.id)")

        _ = try await store.recordGateDecision(pipeline: shop, prNumber: 9, mergeCommit: nil, verdict: .refused, reason: "conflicts: a.txt")
        _ = try await store.recordGateDecision(pipeline: shop, prNumber: 7, mergeCommit: otherSHA, verdict: .refused, reason: "check ci failed")
        _ = try await store.recordGateDecision(pipeline: shop, prNumber: 7, mergeCommit: otherSHA, verdict: .merged, reason: "all checks passed")

        _ = try await store.createBuildIfAbsent(Build(id: buildID, source: .commit(sha), directory: "/data/builds/\(buildID)",
                                                      state: .succeeded, outputTail: "compiled 3 files"))
        return RecordViewsFixture(finishedRun: finished, pendingRun: pending)
    }
}
