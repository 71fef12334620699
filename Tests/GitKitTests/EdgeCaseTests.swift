import Foundation
import GitKit
import Testing

/// Cases found in review: work trees, attributes, directory renames, locks, odd refs, credentials.
@Suite("GitKit edge cases")
struct EdgeCaseTests {
    static let author = ["GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "T",
                         "GIT_COMMITTER_EMAIL": "t@t", "GIT_AUTHOR_DATE": "@1700100000 +0000",
                         "GIT_COMMITTER_DATE": "@1700100000 +0000"]

    /// Runs git with a fixed identity; fails the test on error.
    @discardableResult
    static func git(_ repo: URL, _ arguments: String...) throws -> String {
        let result = try Fixture.run(["git", "-C", repo.path] + arguments, environment: author)
        try #require(result.status == 0, "git \(arguments.joined(separator: " ")): \(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func scansFromALinkedWorkTree() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let linked = sample.appendingPathComponent("linked")
        try Self.git(work, "worktree", "add", "-q", "--detach", linked.path, "main")
        let scan = try await PullRequestScanner(path: linked.path).scan()
        #expect(scan.pullRequests.filter(\.mergeable).count == 6)
        for pr in scan.pullRequests {
            if let commit = pr.mergeCommit { #expect(try Self.git(work, "cat-file", "-t", commit.hex) == "commit") }
        }
        #expect(try Fixture.run(["git", "-C", work.path, "fsck", "--connectivity-only"]).status == 0)
    }

    @Test func aConflictingMergeWritesNoObjectEvenWhenOtherFilesMergedCleanly() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        // On top of PR 2 (README conflict), an edit of src/app.py that merges cleanly with main's edit.
        try Self.git(work, "checkout", "-q", "refs/pull/2/head")
        try Data("def greet(name):\n    return \"hello \" + name\n\n\ndef add(a, b):\n    return a + b\n\n\ndef unused():\n    return 0\n".utf8)
            .write(to: work.appendingPathComponent("src/app.py"))
        try Self.git(work, "commit", "-q", "-am", "both")
        let head = try Self.git(work, "rev-parse", "HEAD")
        try Self.git(work, "checkout", "-q", "main")
        let before = try MergeTests.objectCount(work)
        let repository = try Repository.open(path: work.path)
        let outcome = try await repository.testMerge(target: try await repository.resolve("main"), head: ObjectID(hex: head)!)
        #expect(outcome == .conflicts(["README.md"]))
        #expect(try MergeTests.objectCount(work) == before, "no merged blob may be left behind")
    }

    @Test func mergeAttributesAreHonoured() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        // PR 1 and main both edit src/app.py in different places: a clean text merge, unless told otherwise.
        try Data("src/app.py -merge\n".utf8).write(to: work.appendingPathComponent(".git/info/attributes"))
        let scan = try await PullRequestScanner(path: work.path).scan()
        let pr1 = try #require(scan.pullRequests.first { $0.number == 1 })
        #expect(pr1.conflicts == ["src/app.py"])
        #expect(try Fixture.run(["git", "-C", work.path, "merge-tree", "--write-tree", "main", "refs/pull/1/head"]).status == 1)
    }

    @Test func aFileAddedToADirectoryTheTargetRenamedIsAConflictAsInGit() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        try Self.git(work, "checkout", "-q", "-b", "add-to-lib", "main")
        try Data("new\n".utf8).write(to: work.appendingPathComponent("lib/new.sh"))
        try Self.git(work, "add", "lib/new.sh")
        try Self.git(work, "commit", "-q", "-m", "add to lib")
        try Self.git(work, "checkout", "-q", "main")
        try Self.git(work, "mv", "lib", "tools")
        try Self.git(work, "commit", "-q", "-m", "rename lib to tools")
        try Self.git(work, "update-ref", "refs/pull/30/head", "add-to-lib")
        let scan = try await PullRequestScanner(path: work.path).scan()
        let pr = try #require(scan.pullRequests.first { $0.number == 30 })
        #expect(pr.conflicts == ["lib/new.sh"])
        #expect(try Fixture.run(["git", "-C", work.path, "merge-tree", "--write-tree", "main", "refs/pull/30/head"]).status == 1)
    }

    @Test func aLockedRefIsReportedAsLockedAndLeftAlone() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let repository = try Repository.open(path: work.path)
        let tip = try await repository.resolve("main")
        let older = try await repository.resolve("main~1")
        let lock = work.appendingPathComponent(".git/refs/heads/main.lock")
        try Data().write(to: lock)
        do {
            try await repository.compareAndSwap("refs/heads/main", expected: tip, new: older)
            Issue.record("a locked ref must not be updated")
        } catch {
            #expect(error.code == .refLocked, "\(error.code): \(error.message)")
        }
        try FileManager.default.removeItem(at: lock)
        #expect(try await repository.resolve("main") == tip)
    }

    @Test func oddPullRequestRefsAreHandled() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        // A leading zero is not another name for PR 1; a PR pointing at a blob is an error entry, not a failed scan.
        try Self.git(work, "update-ref", "refs/pull/01/head", "refs/pull/1/head")
        let blob = try Self.git(work, "rev-parse", "main:README.md")
        try Self.git(work, "update-ref", "refs/pull/40/head", blob)
        let scan = try await PullRequestScanner(path: work.path).scan()
        #expect(scan.pullRequests.map(\.number) == [1, 2, 3, 4, 5, 6, 7, 8, 40])
        let broken = try #require(scan.pullRequests.last)
        guard case .failed(let reason) = broken.outcome else {
            Issue.record("expected a failed entry, got \(broken.outcome)")
            return
        }
        #expect(reason.contains("refs/pull/40/head") && !broken.mergeable)
        #expect(scan.pullRequests.filter(\.mergeable).count == 6)
    }

    @Test(arguments: [
        "http://user:s3/cret@127.0.0.1:9/repo.git",
        "https://x-access-token:p@ss@127.0.0.1:9/o/r.git",
    ])
    func credentialsWithSlashesOrAtSignsNeverLeak(url: String) async throws {
        let directory = Fixture.scratchDirectory()
        defer { Fixture.cleanup(directory) }
        let repository = try Repository.initBare(path: directory.path)
        do {
            try await repository.fetch(from: url, refspecs: ["+refs/heads/*:refs/heads/*"])
            Issue.record("fetching from a closed port should fail")
        } catch {
            #expect(!error.message.contains("cret") && !error.message.contains("p@ss") && !error.message.contains("ss@"),
                    "\(error.message)")
            #expect(error.code == .network || error.code == .invalidArgument, "\(error.code)")
        }
    }
}
