import ArgumentParser
import Foundation
import Server

/// `slipway test-runs …`: a pipeline's test runs, and one run with its shards and failures (clients of
/// `/api/v1/pipelines/{name}/test-runs` and `/api/v1/test-runs/{id}`).
struct TestRunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-runs",
        abstract: "List a pipeline's test runs, or show one with its shards and failed files.",
        subcommands: [TestRunsList.self, TestRunsInfo.self],
        defaultSubcommand: TestRunsList.self
    )
}

struct TestRunsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The pipeline's test runs, newest first.")
    @Option(help: "The pipeline.") var pipeline: String
    @Option(help: "Only this pull request's runs.") var pr: Int?
    @Option(help: "Show at most this many (1-1000, default 50).") var limit: Int?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let pr, pr < 1 { throw ValidationError("--pr must be a pull request number (1 or more), got \(pr)") }
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let api = try client.client()
        let query = [pr.map { "pr=\($0)" }, limit.map { "limit=\($0)" }].compactMap { $0 }.joined(separator: "&")
        let data = try await api.send("GET", "/pipelines/\(APIClient.segment(pipeline))/test-runs" + (query.isEmpty ? "" : "?" + query))
        if client.json { return try printServerJSON(data) }
        let runs = try APIClient.decoder.decode([TestRunResource].self, from: data)
        guard !runs.isEmpty else { return print("\(pipeline) has no test runs\(pr.map { " for PR #\($0)" } ?? "")") }
        print(Table(header: ["ID", "PR", "COMMIT", "STATE", "FILES", "FAILED", "FLAKY", "WORKERS", "WALL", "CREATED"],
                    rows: runs.map { run in
                        [String(run.id.prefix(8)), run.prNumber.map { "#\($0)" } ?? "-", String(run.commit.prefix(7)), run.state,
                         String(run.counts.files), String(run.counts.failed), String(run.counts.flaky), String(run.workers),
                         run.wallTimeSeconds.map { String(format: "%.1fs", $0) } ?? "-", shortDate(run.createdAt)]
                    })
            .lines.joined(separator: "\n"))
    }
}

struct TestRunsInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show one test run: shards, timing and failed files.")
    @Argument(help: "The test run's id (a UUID).") var id: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/test-runs/\(APIClient.segment(id))")
        if client.json { return try printServerJSON(data) }
        let run = try APIClient.decoder.decode(TestRunResource.self, from: data)
        print("=== test run \(run.id)\npipeline: \(run.pipeline)\(run.prNumber.map { "  PR #\($0)" } ?? "")\ncommit:   \(run.commit)")
        print("state:    \(run.state)\(run.message.map { " (\($0))" } ?? "")")
        print("files:    \(run.counts.files) (\(run.counts.passed) passed, \(run.counts.failed) failed, \(run.counts.flaky) flaky)")
        let shards = run.shards ?? []
        if !shards.isEmpty {
            print(Table(header: ["SHARD", "STATE", "FILES", "START", "END"],
                        rows: shards.map { shard in
                            [String(shard.index), shard.state, String(shard.files.count),
                             shard.startOffsetSeconds.map { String(format: "%.1fs", $0) } ?? "-",
                             shard.endOffsetSeconds.map { String(format: "%.1fs", $0) } ?? "-"]
                        })
                .lines.joined(separator: "\n"))
        }
        for result in (run.fileResults ?? []) where result.status != "passed" {
            print("\(result.status.uppercased()) \(result.path) (worker \(result.worker), \(result.attempts) attempt(s))")
            if let failure = result.failure, !failure.isEmpty { print(failure.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")) }
        }
    }
}
