import Foundation
import GitKit
import Testing

@Suite("Repository: opening, references, revisions")
struct RepositoryTests {
    @Test func openingAMissingPathSaysSo() async throws {
        let error = try #require(throws: GitError.self) { try Repository.open(path: "/nonexistent/slipway-repo") }
        #expect(error.code == .notFound)
        #expect(error.message.contains("/nonexistent/slipway-repo"))
    }

    @Test func openingADirectoryThatIsNoRepositorySaysSo() async throws {
        let directory = Fixture.scratchDirectory()
        defer { Fixture.cleanup(directory) }
        let error = try #require(throws: GitError.self) { try Repository.open(path: directory.path) }
        #expect(error.code == .notARepository)
        #expect(error.message.contains("not a git repository"))
    }

    @Test func initBareCreatesAnEmptyBareRepository() async throws {
        let directory = Fixture.scratchDirectory()
        defer { Fixture.cleanup(directory) }
        let repository = try Repository.initBare(path: directory.appendingPathComponent("new.git").path)
        #expect(repository.isBare)
        #expect(try await repository.references().isEmpty)
        #expect(try Fixture.git(directory.appendingPathComponent("new.git"), "rev-parse", "--is-bare-repository") == "true")
    }

    @Test func listsBranchesAndOnlyNumericPullRequestHeads() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let repository = try Repository.open(path: sample.appendingPathComponent("work").path)
        let branches = try await repository.branches().map(\.shortName)
        #expect(branches == ["feature/x", "main"])
        let pulls = try await repository.pullRequests()
        #expect(pulls.map(\.number) == Array(1...8))
        for pull in pulls {
            let expected = try Fixture.git(sample.appendingPathComponent("work"), "rev-parse", "refs/pull/\(pull.number)/head")
            #expect(pull.head.hex == expected)
        }
        let all = try await repository.references(prefix: "refs/pull/").map(\.name)
        #expect(all.contains("refs/pull/9/merge") && all.contains("refs/pull/abc/head"))
    }

    @Test func resolvesRevisionsAndReadsCommits() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let repository = try Repository.open(path: work.path)
        let main = try await repository.resolve("main")
        #expect(main.hex == (try Fixture.git(work, "rev-parse", "main")))
        let parent = try await repository.resolve("main~1")
        #expect(parent.hex == (try Fixture.git(work, "rev-parse", "main~1")))
        let byPrefix = try await repository.resolve(String(main.hex.prefix(10)))
        #expect(byPrefix == main)

        let info = try await repository.commit(main)
        #expect(info.parents == [parent])
        #expect(info.author.name == "Ada Example" && info.author.email == "ada@example.com")
        #expect(info.summary == "main: edits after the pull requests branched")
        #expect(info.tree.hex == (try Fixture.git(work, "rev-parse", "main^{tree}")))
        // The merge of PR 3 has two parents.
        #expect(try await repository.commit(parent).parents.count == 2)
    }

    @Test func badRevisionsAreTypedErrors() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let repository = try Repository.open(path: sample.appendingPathComponent("work").path)
        await #expect(throws: GitError.self) { try await repository.resolve("no-such-branch") }
        do {
            _ = try await repository.resolve("no-such-branch")
        } catch {
            #expect(error.code == .badRevision)
            #expect(error.message.contains("no-such-branch"))
            #expect(error.libgit2Code != nil)
        }
        let missing = ObjectID(hex: String(repeating: "ab", count: 20))!
        do {
            _ = try await repository.commit(missing)
            Issue.record("reading a missing commit should fail")
        } catch {
            #expect(error.code == .notFound)
        }
        #expect(ObjectID(hex: "xyz") == nil)
    }

    @Test func mergeBaseFindsTheCommonAncestor() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        let repository = try Repository.open(path: work.path)
        let main = try await repository.resolve("main")
        for number in [1, 3, 8] {
            let head = try await repository.resolve("refs/pull/\(number)/head")
            let base = try await repository.mergeBase(main, head)
            #expect(base?.hex == (try Fixture.git(work, "merge-base", "main", "refs/pull/\(number)/head")))
        }
    }

    @Test func credentialsNeverReachErrorMessages() async throws {
        let directory = Fixture.scratchDirectory()
        defer { Fixture.cleanup(directory) }
        let repository = try Repository.initBare(path: directory.path)
        do {
            try await repository.fetch(from: "http://user:s3cret@127.0.0.1:9/repo.git", refspecs: ["+refs/heads/*:refs/heads/*"])
            Issue.record("fetching from a closed port should fail")
        } catch {
            #expect(!error.message.contains("s3cret"))
            #expect(error.code == .network, "\(error.code): \(error.message)")
        }
    }
}
