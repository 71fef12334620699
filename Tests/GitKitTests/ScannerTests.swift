import Foundation
import GitKit
import Testing

@Suite("Pull request scanner")
struct ScannerTests {
    @Test func scanWritesMergeRefsOnlyAndMovesNoBranch() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let branchesBefore = try Fixture.git(work, "for-each-ref", "refs/heads", "refs/pull")
        let scan = try await PullRequestScanner(path: work.path, parallelism: 2).scan()
        #expect(scan.computed == 8 && scan.reused == 0)
        #expect(try Fixture.git(work, "for-each-ref", "refs/heads", "refs/pull") == branchesBefore)
        #expect(scan.targetTip.hex == (try Fixture.git(work, "rev-parse", "main")))

        let mergeRefs = try Fixture.git(work, "for-each-ref", "--format=%(refname)", "refs/slipway/merge").split(separator: "\n").map(String.init)
        #expect(Set(mergeRefs) == Set([1, 3, 4, 6, 7, 8].map { "refs/slipway/merge/\($0)" }))
        for pr in scan.pullRequests {
            if let commit = pr.mergeCommit {
                #expect(try Fixture.git(work, "rev-parse", "refs/slipway/merge/\(pr.number)") == commit.hex)
                #expect(try Fixture.git(work, "rev-parse", "\(commit.hex)^{tree}") ==
                        (try Fixture.git(work, "merge-tree", "--write-tree", "main", "refs/pull/\(pr.number)/head")))
                #expect(try Fixture.git(work, "log", "-1", "--format=%P", commit.hex) == "\(pr.target.hex) \(pr.head.hex)")
            }
        }
        #expect(scan.pullRequests.first { $0.number == 2 }?.conflicts == ["README.md"])
        #expect(scan.pullRequests.first { $0.number == 3 }?.alreadyMerged == true)
    }

    @Test func aReadOnlyScanGivesTheSameAnswerAndWritesNoRef() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let refsBefore = try Fixture.git(work, "for-each-ref")
        var reader = PullRequestScanner(path: work.path, parallelism: 2)
        reader.writesRefs = false
        let read = try await reader.scan()
        #expect(try Fixture.git(work, "for-each-ref") == refsBefore, "a read-only scan wrote a ref")
        #expect(read.computed == 8)
        let written = try await PullRequestScanner(path: work.path, parallelism: 2).scan()
        #expect(written.pullRequests == read.pullRequests)
        #expect(try Fixture.git(work, "for-each-ref") != refsBefore)
    }

    @Test func secondScanReusesAndRecomputesOnlyWhatMoved() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let first = try await PullRequestScanner(path: work.path).scan()
        let again = try await PullRequestScanner(path: work.path).scan()
        #expect(again.computed == 0 && again.reused == 8)
        #expect(again.pullRequests == first.pullRequests)

        // A push to PR 1 (its head moves to PR 4's head, a different commit) recomputes PR 1 only.
        _ = try Fixture.git(work, "update-ref", "refs/pull/1/head", "refs/pull/4/head")
        let afterPush = try await PullRequestScanner(path: work.path).scan()
        #expect(afterPush.computed == 1 && afterPush.reused == 7)
        #expect(afterPush.pullRequests.first { $0.number == 1 }?.head == first.pullRequests.first { $0.number == 4 }?.head)

        // A deleted merge ref is not trusted from the cache.
        _ = try Fixture.git(work, "update-ref", "-d", "refs/slipway/merge/6")
        let afterDelete = try await PullRequestScanner(path: work.path).scan()
        #expect(afterDelete.computed == 1)
        #expect(try Fixture.git(work, "rev-parse", "refs/slipway/merge/6") == first.pullRequests.first { $0.number == 6 }?.mergeCommit?.hex)

        // A closed pull request loses its merge ref.
        _ = try Fixture.git(work, "update-ref", "-d", "refs/pull/7/head")
        let afterClose = try await PullRequestScanner(path: work.path).scan()
        #expect(!afterClose.pullRequests.contains { $0.number == 7 })
        let refs = try Fixture.git(work, "for-each-ref", "--format=%(refname)", "refs/slipway/merge")
        #expect(!refs.contains("refs/slipway/merge/7"))

        // The target moving recomputes everything.
        _ = try Fixture.git(work, "update-ref", "refs/heads/main", "main~1")
        let afterTarget = try await PullRequestScanner(path: work.path).scan()
        #expect(afterTarget.computed == 7)
    }

    @Test func aLargeScanPacksItsMergeRefs() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        var scanner = PullRequestScanner(path: work.path)
        scanner.packReferencesAfter = 5
        let first = try await scanner.scan()
        let loose = work.appendingPathComponent(".git/refs/slipway/merge/1")
        #expect(!FileManager.default.fileExists(atPath: loose.path), "merge refs should be packed")
        let packed = try String(contentsOf: work.appendingPathComponent(".git/packed-refs"), encoding: .utf8)
        #expect(packed.contains("refs/slipway/merge/1"))
        let again = try await scanner.scan()
        #expect(again.reused == 8 && again.pullRequests == first.pullRequests)
        #expect(try Fixture.git(work, "rev-parse", "refs/slipway/merge/1") == first.pullRequests[0].mergeCommit?.hex)
    }

    @Test func aDamagedCacheIsIgnored() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let first = try await PullRequestScanner(path: work.path).scan()
        let cache = work.appendingPathComponent(".git/slipway/test-merges")
        try Data("garbage\n\u{0}\u{1}\t\t\n".utf8).write(to: cache)
        let again = try await PullRequestScanner(path: work.path).scan()
        #expect(again.computed == 8 && again.pullRequests == first.pullRequests)
    }

    @Test func missingTargetBranchIsAClearError() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        do {
            _ = try await PullRequestScanner(path: sample.appendingPathComponent("work").path, targetBranch: "develop").scan()
            Issue.record("a missing target should fail")
        } catch {
            #expect(error.code == .notFound && error.message.contains("develop"))
        }
    }

    @Test func scansABareMirror() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let scan = try await PullRequestScanner(path: sample.appendingPathComponent("origin.git").path).scan()
        #expect(scan.pullRequests.count == 8)
        #expect(scan.pullRequests.filter(\.mergeable).count == 6)
    }
}
