import Foundation
import GitKit
import Testing

@Suite("Test merges")
struct MergeTests {
    /// Loose-object count, to prove a conflicting merge writes nothing.
    static func objectCount(_ repo: URL) throws -> Int {
        let line = try Fixture.git(repo, "count-objects")
        return Int(line.split(separator: " ").first ?? "0") ?? -1
    }

    @Test func cleanMergesMatchGitMergeTreeAndHaveTargetAndHeadAsParents() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let repository = try Repository.open(path: work.path)
        let target = try await repository.resolve("main")
        for number in [1, 3, 4, 6, 7, 8] {
            let head = try await repository.resolve("refs/pull/\(number)/head")
            let outcome = try await repository.testMerge(target: target, head: head)
            guard case .merged(let commit, let tree) = outcome else {
                Issue.record("PR \(number) should merge cleanly, got \(outcome)")
                continue
            }
            let expectedTree = try Fixture.git(work, "merge-tree", "--write-tree", "main", "refs/pull/\(number)/head")
            #expect(tree.hex == expectedTree, "PR \(number)")
            let info = try await repository.commit(commit)
            #expect(info.parents == [target, head], "PR \(number)")
            #expect(info.tree == tree)
            #expect(try Fixture.git(work, "cat-file", "-t", commit.hex) == "commit")
        }
    }

    @Test func sameInputsGiveTheSameMergeCommit() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let repository = try Repository.open(path: sample.appendingPathComponent("work").path)
        let target = try await repository.resolve("main")
        let head = try await repository.resolve("refs/pull/1/head")
        let first = try await repository.testMerge(target: target, head: head)
        let second = try await repository.testMerge(target: target, head: head)
        #expect(first == second)
    }

    @Test func conflictsNameTheirPathsAndWriteNothing() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let repository = try Repository.open(path: work.path)
        let target = try await repository.resolve("main")
        let before = try Self.objectCount(work)
        let readme = try await repository.testMerge(target: target, head: try await repository.resolve("refs/pull/2/head"))
        #expect(readme == .conflicts(["README.md"]))
        let binary = try await repository.testMerge(target: target, head: try await repository.resolve("refs/pull/5/head"))
        #expect(binary == .conflicts(["assets/logo.bin"]))
        #expect(try Self.objectCount(work) == before)
    }

    @Test func exportWritesFilesModesSymlinksAndNoGitDirectory() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let repository = try Repository.open(path: work.path)
        let target = try await repository.resolve("main")
        let head = try await repository.resolve("refs/pull/6/head")
        guard case .merged(let commit, _) = try await repository.testMerge(target: target, head: head) else {
            Issue.record("PR 6 should merge")
            return
        }
        let out = sample.appendingPathComponent("export")
        let written = try await repository.exportTree(of: commit, to: out.path)
        let files = try Fixture.git(work, "ls-tree", "-r", "--name-only", commit.hex).split(separator: "\n")
        #expect(written == files.count)

        let manager = FileManager.default
        #expect(!manager.fileExists(atPath: out.appendingPathComponent(".git").path))
        #expect(manager.isExecutableFile(atPath: out.appendingPathComponent("lib/run.sh").path))
        #expect(manager.isExecutableFile(atPath: out.appendingPathComponent("src/app.py").path))
        #expect(!manager.isExecutableFile(atPath: out.appendingPathComponent("README.md").path))
        #expect(try manager.destinationOfSymbolicLink(atPath: out.appendingPathComponent("lib/app-link.py").path) == "../src/app.py")
        #expect(try manager.destinationOfSymbolicLink(atPath: out.appendingPathComponent("docs/readme-link").path) == "../README.md")
        // Byte-exact comparison with what git would check out.
        let checkout = sample.appendingPathComponent("checkout")
        try FileManager.default.createDirectory(at: checkout, withIntermediateDirectories: true)
        _ = try Fixture.run(["git", "--work-tree", checkout.path, "-C", work.path, "checkout", commit.hex, "--", "."])
        let diff = try Fixture.run(["diff", "-r", "--no-dereference", checkout.path, out.path])
        #expect(diff.status == 0, "export differs from git checkout: \(diff.output)")

        // A second export into the now non-empty directory is refused.
        do {
            try await repository.exportTree(of: commit, to: out.path)
            Issue.record("exporting into a non-empty directory should fail")
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }

    @Test func changedPathsDetectRenamesAdditionsAndEdits() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let repository = try Repository.open(path: sample.appendingPathComponent("work").path)
        let main = try await repository.resolve("main")
        let pr7 = try await repository.resolve("refs/pull/7/head")
        let base7 = try #require(try await repository.mergeBase(main, pr7))
        #expect(try await repository.changedPaths(from: base7, to: pr7) == [ChangedPath(status: .renamed, path: "lib/helpers.sh", oldPath: "lib/util.sh")])
        let pr1 = try await repository.resolve("refs/pull/1/head")
        let base1 = try #require(try await repository.mergeBase(main, pr1))
        let changes = try await repository.changedPaths(from: base1, to: pr1)
        #expect(Set(changes) == [ChangedPath(status: .modified, path: "src/app.py"), ChangedPath(status: .added, path: "src/feature.py")])
    }

    @Test func unrelatedHistoriesAreNotMergeable() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let tree = try Fixture.git(work, "mktree")
        let orphan = try Fixture.run(["git", "-C", work.path, "commit-tree", tree, "-m", "orphan"],
                                     environment: ["GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"])
        let orphanID = orphan.output.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try Fixture.git(work, "update-ref", "refs/pull/20/head", orphanID)
        let scan = try await PullRequestScanner(path: work.path).scan()
        let pr = try #require(scan.pullRequests.first { $0.number == 20 })
        #expect(pr.outcome == .unrelatedHistories && !pr.mergeable && pr.mergeBase == nil)
    }
}
