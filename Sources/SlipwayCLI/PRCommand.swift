import ArgumentParser
import Foundation
import Orchestration
import Server

/// `slipway pr status N` and `slipway pr merge N`: a pull request through the service's eyes, and the gate.
struct PRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pr",
        abstract: "Show a pull request's checks, review app and gate decision, merge it through the gate, or approve a fork's.",
        subcommands: [PRStatusCommand.self, PRMergeCommand.self, PRApproveCommand.self, PRSyncCommand.self]
    )
}

/// Which pull request: its number and, when the service has several, its pipeline.
struct PullRequestChoice: ParsableArguments {
    @Argument(help: "The pull request number.") var number: Int
    @Option(help: "The pipeline (default: the only one the service has).") var pipeline: String?

    func validate() throws {
        if number < 1 { throw ValidationError("N: expected a pull request number like 7") }
    }

    /// `/pipelines/<p>/prs/<N>` for the chosen pull request.
    func path(_ api: APIClient) async throws -> String {
        "/pipelines/\(APIClient.segment(try await PipelineChoice(pipeline: pipeline).resolve(api)))/prs/\(number)"
    }
}

/// Which pipeline: the named one, or the only one the service has.
struct PipelineChoice: ParsableArguments {
    @Option(help: "The pipeline (default: the only one the service has).") var pipeline: String?

    init() {}
    init(pipeline: String?) { self.pipeline = pipeline }

    func resolve(_ api: APIClient) async throws -> String {
        if let pipeline { return pipeline }
        let all = try await api.decode([PipelineResource].self, "GET", "/pipelines")
        guard all.count == 1 else {
            throw CLIFailure.usage(all.isEmpty ? "the service has no pipeline; create one with 'slipway pipelines create'"
                : "--pipeline: the service has \(all.count) pipelines (\(all.map(\.name).joined(separator: ", "))); name one")
        }
        return all[0].name
    }
}

struct PRStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Checks, review-app URL, test runs and the gate's decision for pull request N.",
        discussion: "Exit 0 whatever the state; the gate's view is in the output (`mergeable`, `gate_reason` in --json)."
    )
    @OptionGroup var choice: PullRequestChoice
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", try await choice.path(api), timeout: 120)
        if client.json { return try printServerJSON(data) }
        let status = try APIClient.decoder.decode(PullRequestStatusResource.self, from: data)
        print("Pull request #\(status.number) (\(status.branch)) in \(status.pipeline): \(status.state)")
        print("  head \(status.head.prefix(7)), target \(status.target.prefix(7)), test merge "
              + (status.mergeCommit.map { String($0.prefix(7)) } ?? "none") + (status.conflicts.isEmpty ? "" : " (conflicts: \(status.conflicts.joined(separator: ", ")))"))
        if let fork = status.fork {
            print("  from a fork (fork_pull_requests: \(fork.policy))"
                  + (fork.approvedHead.map { ", last approved head \($0.prefix(7)) by \(fork.approvedBy ?? "?")" } ?? ""))
            if let command = fork.approveCommand { print("  waiting for approval: \(command)") }
        }
        for check in status.checks { print("  check \(check.context): \(check.state) — \(check.description)") }
        if status.checks.isEmpty { print("  check ci: none yet") }
        if let review = status.reviewApp {
            print("  review app \(review.app): \(review.state)" + (review.url.map { " at \($0)" } ?? ""))
        }
        for run in status.testRuns.prefix(3) {
            print("  test run \(run.id.prefix(8)) of \(run.commit.prefix(7)): \(run.state)" + (run.message.map { " — \($0)" } ?? ""))
        }
        print("  gate: " + (status.mergeable ? "would merge" : "would refuse") + " — \(status.gateReason)")
        for decision in status.decisions.prefix(3) {
            print("  decided \(shortDate(decision.decidedAt)): \(decision.verdict) — \(decision.reason)")
        }
    }
}

struct PRMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge pull request N through the gate, then deploy the pipeline's staging apps.",
        discussion: """
        The target branch moves, by compare-and-swap, to the pull request's tested merge commit only when every \
        required check on it succeeded and the target has not moved since. Exit 1 with the reason when refused \
        (`check ci failed`, `target moved: re-testing`, `conflicts: a.txt`).
        """
    )
    @OptionGroup var choice: PullRequestChoice
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("POST", try await choice.path(api) + "/merge", timeout: 1800)
        let outcome = try APIClient.decoder.decode(GateOutcome.self, from: data)
        if client.json {
            try printServerJSON(data)
        } else {
            print(outcome.merged ? "Merged #\(outcome.number): \(outcome.reason)" : "Refused #\(outcome.number): \(outcome.reason)")
            for deploy in outcome.deploys {
                print("  deployed \(deploy.app)" + (deploy.release.map { " v\($0)" } ?? "") + ": "
                      + (deploy.succeeded ? "succeeded" : "failed — \(deploy.reason ?? "unknown reason")"))
            }
        }
        if !outcome.merged { throw CLIFailure(exitCode: .checkFailed, message: "the gate refused #\(outcome.number): \(outcome.reason)") }
        if let failed = outcome.deploys.first(where: { !$0.succeeded }) {
            throw CLIFailure(exitCode: .checkFailed, message: "merged, but deploying \(failed.app) failed: \(failed.reason ?? "unknown reason")")
        }
    }
}

struct PRApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Let a fork's pull request N be built, tested and deployed (its current head only).",
        discussion: """
        With the pipeline's fork_pull_requests set to approve (the default), a pull request from a fork waits, with \
        its ci check pending "waiting for approval", until this approves its current head. A new push needs a new \
        approval. Exit 2 when N is not a fork's open pull request, 3 when the service cannot be reached.
        """
    )
    @OptionGroup var choice: PullRequestChoice
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("POST", try await choice.path(api) + "/approve")
        if client.json { return try printServerJSON(data) }
        let outcome = try APIClient.decoder.decode(ApprovalOutcome.self, from: data)
        print("Approved #\(outcome.number) in \(outcome.pipeline) at head \(outcome.head.prefix(7)) (by \(outcome.approvedBy)): "
              + "it will be built, tested and deployed")
    }
}

struct PRSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch the pipeline's repository now and bring every pull request up to date (as a webhook would)."
    )
    @Flag(help: "Wait until the test runs and review-app deploys it started have finished.") var wait = false
    @OptionGroup var choice: PipelineChoice
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let pipeline = try await choice.resolve(api)
        let data = try await api.send("POST", "/pipelines/\(APIClient.segment(pipeline))/prs/sync" + (wait ? "?wait=true" : ""), timeout: 3600)
        if client.json { return try printServerJSON(data) }
        print(wait ? "Pipeline \(pipeline) is up to date." : "Reconciling pipeline \(pipeline).")
    }
}
