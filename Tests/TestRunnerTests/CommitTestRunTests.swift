import Foundation
import GitKit
import Sharding
import SlipwayTestSupport
import Testing
@testable import TestRunner

@Suite("Testing a commit")
struct CommitTestRunTests {
    /// Builds a repository with the fixture suite committed (with the `git` program: this is fixture setup;
    /// the runner itself reads the commit through libgit2).
    @Test("a commit's tree is exported through GitKit and tested, with its id in the run variables")
    func commit() async throws {
        let fixture = try SuiteFixture.make(files: 4, extra: [
            "tests/ids.sh": "echo \"$HEROKU_TEST_RUN_BRANCH $HEROKU_TEST_RUN_COMMIT_VERSION\" > \"$FIXTURE_LOG.ids\"\n",
        ])
        defer { fixture.remove() }
        let git = { (arguments: [String]) throws in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = ["-C", fixture.directory.path, "-c", "user.name=t", "-c", "user.email=t@example.com"]
                + arguments
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
        try git(["init", "-q", "-b", "main"])
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", "suite"])
        let repository = try Repository.open(path: fixture.directory.path)
        let head = try await repository.resolve("HEAD")
        // An uncommitted change must not be tested: the commit is.
        try "exit 1\n".write(to: fixture.directory.appendingPathComponent("tests/t001.sh"), atomically: true, encoding: .utf8)

        let result = try await CommitTestRun.run(commit: head, in: repository, branch: "pr-7",
                                                 options: fixture.options()) { $0.workers = 2 }
        #expect(result.status == .passed)
        #expect(result.files.count == 5)
        let ids = try String(contentsOfFile: fixture.log.path + ".ids", encoding: .utf8)
        #expect(ids == "pr-7 \(head.hex)\n")
    }
}
