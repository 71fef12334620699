import ArgumentParser
import Foundation
import GitKit

struct GitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git",
        abstract: "Read branches and pull requests through libgit2.",
        subcommands: [GitPullRequestsCommand.self]
    )
}

/// `slipway git prs`: every pull-request ref with its test merge onto the target tip.
struct GitPullRequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prs",
        abstract: "List pull requests (refs/pull/<N>/head) with their test merges onto the target branch.",
        discussion: """
        Each test merge is a real commit with parents [target tip, PR head], written to the object database \
        and pointed to by refs/slipway/merge/<N>; no branch moves. Conflicting pull requests list their \
        conflicting paths and get no commit. Merges whose inputs did not change since the last run are reused.
        Set SLIPWAY_GIT_OWNER_VALIDATION=0 to open repositories owned by another user.
        """
    )

    @Option(help: "Path to the repository (work tree or bare).")
    var repo: String

    @Option(help: "The target branch pull requests merge into.")
    var target: String = "main"

    @Option(help: "Repository handles used for merging (default: one per core).")
    var jobs: Int?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        if let jobs, !(1...64).contains(jobs) {
            throw ValidationError("--jobs must be between 1 and 64, got \(jobs)")
        }
    }

    func run() async throws {
        applyOwnerValidationSetting()
        let scan: PullRequestScan
        do {
            scan = try await PullRequestScanner(path: repo, targetBranch: target, parallelism: jobs).scan()
        } catch {
            // A missing repository, branch or revision is the caller's input; anything else is git failing.
            let inputErrors: [GitError.Code] = [.notFound, .notARepository, .badRevision, .invalidArgument]
            throw CLIFailure(exitCode: inputErrors.contains(error.code) ? .usage : .checkFailed, message: error.message)
        }
        if json {
            try printJSON(scan.pullRequests.map(PullRequestJSON.init))
        } else {
            print(PullRequestTable.render(scan))
        }
    }
}

/// Reads `SLIPWAY_GIT_OWNER_VALIDATION` (`0`/`false` turns libgit2's safe-directory check off).
func applyOwnerValidationSetting() {
    if let value = ProcessInfo.processInfo.environment["SLIPWAY_GIT_OWNER_VALIDATION"]?.lowercased(),
       ["0", "false", "no", "off"].contains(value) {
        LibGit2.setOwnerValidation(false)
    }
}

/// The `--json` shape of one pull request; keys are part of the contract (SPEC §5).
struct PullRequestJSON: Encodable {
    var status: PullRequestStatus
    init(_ status: PullRequestStatus) { self.status = status }

    enum CodingKeys: String, CodingKey {
        case number, head, target, mergeBase, mergeable, mergeCommit, conflicts
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.number, forKey: .number)
        try container.encode(status.head.hex, forKey: .head)
        try container.encode(status.target.hex, forKey: .target)
        try container.encode(status.mergeBase?.hex, forKey: .mergeBase)
        try container.encode(status.mergeable, forKey: .mergeable)
        try container.encode(status.mergeCommit?.hex, forKey: .mergeCommit)
        try container.encode(status.conflicts, forKey: .conflicts)
    }
}

enum PullRequestTable {
    static func render(_ scan: PullRequestScan) -> String {
        var lines = ["target \(scan.targetRef) at \(scan.targetTip.short); \(scan.pullRequests.count) pull request(s)"]
        if scan.pullRequests.isEmpty { return lines[0] }
        let rows = scan.pullRequests.map { pr -> [String] in
            let state: String
            switch pr.outcome {
            case .merged(let commit, _):
                state = (pr.alreadyMerged ? "already merged; " : "") + "test merge \(commit.short)"
            case .conflicts(let paths):
                state = "conflicts: " + paths.joined(separator: ", ")
            case .unrelatedHistories:
                state = "unrelated histories: not mergeable"
            case .failed(let reason):
                state = "error: " + reason
            }
            return ["#\(pr.number)", pr.head.short, pr.mergeBase?.short ?? "-", pr.mergeable ? "yes" : "no", state]
        }
        lines.append(contentsOf: Table(header: ["PR", "HEAD", "BASE", "MERGEABLE", "RESULT"], rows: rows).lines)
        return lines.joined(separator: "\n")
    }
}
