import Foundation
import GitKit
import Testing

/// The incremental tree merge and its fallback against `git merge-tree --write-tree` on generated
/// histories with edits on both sides, additions, deletions and renames (fixtures/git/make-random-repo).
@Suite("Test merges equal git merge-tree on generated histories")
struct MergeEquivalenceTests {
    @Test(arguments: [7, 11])
    func everyMergeMatchesGit(seed: Int) async throws {
        let directory = Fixture.scratchDirectory("random")
        defer { Fixture.cleanup(directory) }
        let repo = directory.appendingPathComponent("repo")
        let script = Fixture.repositoryRoot.appendingPathComponent("fixtures/git/make-random-repo").path
        let made = try Fixture.run(["python3", script, repo.path, "--files", "60", "--main-commits", "50", "--pulls", "60",
                                    "--pushed", "0", "--tags", "0", "--branches", "0", "--renames", "--seed", String(seed)])
        try #require(made.status == 0, "make-random-repo failed: \(made.output)")

        let scan = try await PullRequestScanner(path: repo.path).scan()
        #expect(scan.pullRequests.count == 60)
        #expect(scan.pullRequests.contains { !$0.mergeable }, "the history should produce some conflicts")
        for pr in scan.pullRequests {
            let git = try Fixture.run(["git", "-C", repo.path, "merge-tree", "--write-tree", "--name-only", pr.target.hex, pr.head.hex])
            let gitTree = String(git.output.prefix(while: { $0 != "\n" }))
            switch pr.outcome {
            case .merged(_, let tree):
                #expect(git.status == 0 && tree.hex == gitTree, "PR \(pr.number): git says \(git.output.prefix(300))")
            case .conflicts(let paths):
                #expect(git.status == 1, "PR \(pr.number) conflicts for Slipway (\(paths)) but not for git")
                // git's --name-only output starts with the tree id, then the conflicted paths, then a blank line.
                // Every path git names, Slipway names too (libgit2 may add a renamed file's old path).
                let gitPaths = Set(git.output.split(separator: "\n", omittingEmptySubsequences: false)
                    .dropFirst().prefix(while: { !$0.isEmpty }).map(String.init))
                #expect(gitPaths.isSubset(of: Set(paths)), "PR \(pr.number): Slipway names \(paths), git \(gitPaths.sorted())")
            case .unrelatedHistories, .failed:
                Issue.record("PR \(pr.number) should merge or conflict, got \(pr.outcome)")
            }
        }
    }
}
