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
            FileHandle.standardOutput.write(Data(PullRequestJSON.render(scan.pullRequests).utf8))
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
///
/// `render` writes the array by hand: a thousand pull requests through `JSONEncoder` cost more than the
/// warm scan itself. Every value is an object id, a number, a boolean or a path; paths are escaped.
enum PullRequestJSON {
    static func render(_ statuses: [PullRequestStatus]) -> String {
        var out = "[\n"
        for (index, pr) in statuses.enumerated() {
            let conflicts = pr.conflicts.map { "\n      " + quoted($0) }.joined(separator: ",")
            out += """
              {
                "conflicts" : [\(conflicts)\(pr.conflicts.isEmpty ? "" : "\n    ")],
                "head" : "\(pr.head.hex)",
                "mergeBase" : \(pr.mergeBase.map { "\"\($0.hex)\"" } ?? "null"),
                "mergeCommit" : \(pr.mergeCommit.map { "\"\($0.hex)\"" } ?? "null"),
                "mergeable" : \(pr.mergeable),
                "number" : \(pr.number),
                "target" : "\(pr.target.hex)"
              }
            """
            out += index == statuses.count - 1 ? "\n" : ",\n"
        }
        return out + "]\n"
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
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
