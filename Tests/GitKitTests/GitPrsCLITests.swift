import Foundation
import SlipwayTestSupport
import Testing

/// `slipway git prs` end to end: the built binary's `--json` shape, its table and its exit codes.
@Suite("slipway git prs")
struct GitPrsCLITests {
    /// The `slipway` executable built with these tests (next to the test bundle).
    static func binary() throws -> URL {
        URL(fileURLWithPath: try BuiltSlipway.path())
    }

    @Test func jsonHasExactlyTheContractKeysAndEscapesPaths() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let work = sample.appendingPathComponent("work")
        // A pull request conflicting in a file whose name needs escaping in JSON.
        let odd = "odd \"name\"\twith\\chars.txt"
        try EdgeCaseTests.git(work, "checkout", "-q", "-b", "odd", "main~1")
        try Data("theirs\n".utf8).write(to: work.appendingPathComponent(odd))
        try EdgeCaseTests.git(work, "add", "-A")
        try EdgeCaseTests.git(work, "commit", "-q", "-m", "odd theirs")
        try EdgeCaseTests.git(work, "checkout", "-q", "main")
        try Data("ours\n".utf8).write(to: work.appendingPathComponent(odd))
        try EdgeCaseTests.git(work, "add", "-A")
        try EdgeCaseTests.git(work, "commit", "-q", "-m", "odd ours")
        try EdgeCaseTests.git(work, "update-ref", "refs/pull/50/head", "odd")

        let result = try Fixture.run([try Self.binary().path, "git", "prs", "--repo", work.path, "--json"])
        #expect(result.status == 0, "\(result.output)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]]
        let entries = try #require(parsed)
        #expect(entries.map { $0["number"] as? Int } == [1, 2, 3, 4, 5, 6, 7, 8, 50])
        for entry in entries {
            #expect(Set(entry.keys) == ["number", "head", "target", "mergeBase", "mergeable", "mergeCommit", "conflicts"])
            #expect((entry["head"] as? String)?.count == 40 && (entry["target"] as? String)?.count == 40)
            let mergeable = try #require(entry["mergeable"] as? Bool)
            #expect(mergeable == !(entry["mergeCommit"] is NSNull))
            #expect(entry["conflicts"] is [String])
        }
        let pr50 = try #require(entries.last)
        #expect(pr50["conflicts"] as? [String] == [odd])
        #expect(pr50["mergeCommit"] is NSNull && pr50["mergeable"] as? Bool == false)
    }

    @Test func tableAndExitCodes() async throws {
        let sample = try Fixture.sampleRepository()
        defer { Fixture.cleanup(sample) }
        let table = try Fixture.run([try Self.binary().path, "git", "prs", "--repo", sample.appendingPathComponent("work").path])
        #expect(table.status == 0)
        #expect(table.output.contains("#2") && table.output.contains("conflicts: README.md"))
        #expect(table.output.contains("already merged"))

        let missing = try Fixture.run([try Self.binary().path, "git", "prs", "--repo", "/nonexistent/repo"])
        #expect(missing.status == 2 && missing.output.contains("/nonexistent/repo"))
        let badTarget = try Fixture.run([try Self.binary().path, "git", "prs", "--repo", sample.appendingPathComponent("work").path,
                                         "--target", "develop"])
        #expect(badTarget.status == 2 && badTarget.output.contains("develop"))
        let usage = try Fixture.run([try Self.binary().path, "git", "prs"])
        #expect(usage.status == 2 && usage.output.contains("--repo"))
    }
}
