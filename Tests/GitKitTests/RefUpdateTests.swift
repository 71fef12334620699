import Foundation
import GitKit
import Testing

@Suite("Fetch and compare-and-swap")
struct RefUpdateTests {
    @Test func fetchMirrorsBranchesAndPullRequestsAndPrunes() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let origin = sample.appendingPathComponent("origin.git")
        let mirror = try Repository.initBare(path: sample.appendingPathComponent("mirror.git").path)
        let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/pull/*/head:refs/pull/*/head"]
        try await mirror.fetch(from: origin.path, refspecs: refspecs, prune: true)
        #expect(try await mirror.pullRequests().map(\.number) == Array(1...8))
        #expect(try await mirror.referenceTarget("refs/heads/main")?.hex == (try Fixture.git(origin, "rev-parse", "main")))
        #expect(try await mirror.referenceTarget("refs/pull/9/merge") == nil)

        // Closing PR 2 upstream and fetching again with prune removes it here; file:// URLs work too.
        _ = try Fixture.git(origin, "update-ref", "-d", "refs/pull/2/head")
        try await mirror.fetch(from: "file://" + origin.path, refspecs: refspecs, prune: true)
        #expect(try await mirror.pullRequests().map(\.number) == [1, 3, 4, 5, 6, 7, 8])
    }

    @Test func fetchFromAMissingRemoteFails() async throws {
        let directory = Fixture.scratchDirectory()
        defer { Fixture.cleanup(directory) }
        let repository = try Repository.initBare(path: directory.path)
        do {
            try await repository.fetch(from: "/nonexistent/origin.git", refspecs: ["+refs/heads/*:refs/heads/*"])
            Issue.record("fetching from a missing remote should fail")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.message.contains("/nonexistent/origin.git"))
        }
    }

    @Test func compareAndSwapMovesOnlyFromTheExpectedCommit() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let repository = try Repository.open(path: work.path)
        let tip = try await repository.resolve("main")
        let scan = try await PullRequestScanner(path: work.path).scan()
        let merge = try #require(scan.pullRequests.first { $0.number == 1 }?.mergeCommit)

        // The target moved since the merge was made: nothing is written.
        let older = try await repository.resolve("main~1")
        do {
            try await repository.compareAndSwap("refs/heads/main", expected: older, new: merge)
            Issue.record("CAS against a moved ref should fail")
        } catch {
            #expect(error.code == .refMoved)
            #expect(error.message.contains("refs/heads/main moved"))
        }
        #expect(try await repository.referenceTarget("refs/heads/main") == tip)

        // Expected matches: the ref moves to the merge commit.
        try await repository.compareAndSwap("refs/heads/main", expected: tip, new: merge)
        #expect(try Fixture.git(work, "rev-parse", "main") == merge.hex)

        // Create-only: fails when the ref exists, succeeds when it does not.
        do {
            try await repository.compareAndSwap("refs/heads/main", expected: nil, new: tip)
            Issue.record("create-only CAS on an existing ref should fail")
        } catch {
            #expect(error.code == .refExists)
        }
        try await repository.compareAndSwap("refs/heads/release", expected: nil, new: tip)
        #expect(try Fixture.git(work, "rev-parse", "release") == tip.hex)

        // A target commit that does not exist is refused before any write.
        let missing = ObjectID(hex: String(repeating: "cd", count: 20))!
        await #expect(throws: GitError.self) { try await repository.compareAndSwap("refs/heads/main", expected: merge, new: missing) }
        #expect(try Fixture.git(work, "rev-parse", "main") == merge.hex)
    }

    @Test func concurrentCompareAndSwapsLetExactlyOneWin() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let scan = try await PullRequestScanner(path: work.path).scan()
        let candidates = scan.pullRequests.compactMap(\.mergeCommit)
        let tip = scan.targetTip
        let path = work.path
        let wins = await withTaskGroup(of: Bool.self) { group in
            for merge in candidates {
                group.addTask {
                    guard let repository = try? Repository.open(path: path) else { return false }
                    do {
                        try await repository.compareAndSwap("refs/heads/main", expected: tip, new: merge)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var count = 0
            for await won in group where won { count += 1 }
            return count
        }
        #expect(wins == 1)
        let now = try Fixture.git(work, "rev-parse", "main")
        #expect(candidates.map(\.hex).contains(now))
    }
}
