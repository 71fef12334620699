import ArgumentParser
import Foundation
import Server

/// `slipway pipelines config …`: the review config vars every review app of a pipeline inherits.
struct PipelinesConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show, set and unset a pipeline's review config vars (inherited by its review apps).",
        subcommands: [PipelinesConfigShow.self, PipelinesConfigSet.self, PipelinesConfigUnset.self],
        defaultSubcommand: PipelinesConfigShow.self
    )
}

struct PipelinesConfigShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the review config vars.")
    @Option(help: "The pipeline.") var pipeline: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/pipelines/\(APIClient.segment(pipeline))/review-config-vars")
        if client.json { return try printServerJSON(data) }
        print("=== \(pipeline) Review Config Vars")
        print(ConfigShow.render(try APIClient.decoder.decode([String: String].self, from: data)))
    }
}

struct PipelinesConfigSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set review config vars: KEY=VALUE…")
    @Option(help: "The pipeline.") var pipeline: String
    @Argument(help: "KEY=VALUE pairs.") var assignments: [String]
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !assignments.isEmpty else { throw ValidationError("give at least one KEY=VALUE") }
        _ = try KeyValueArguments.parse(assignments, option: "argument")
    }

    func run() async throws {
        let api = try client.client()
        let vars = try KeyValueArguments.parse(assignments, option: "argument")
        let data = try await api.send("PATCH", "/pipelines/\(APIClient.segment(pipeline))/review-config-vars", body: ConfigPatch(set: vars))
        if client.json { return try printServerJSON(data) }
        print("Set \(vars.keys.sorted().joined(separator: ", ")) for the review apps of \(pipeline)")
    }
}

struct PipelinesConfigUnset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unset", abstract: "Unset review config vars: KEY…")
    @Option(help: "The pipeline.") var pipeline: String
    @Argument(help: "Keys to remove.") var keys: [String]
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !keys.isEmpty else { throw ValidationError("give at least one KEY") }
    }

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("PATCH", "/pipelines/\(APIClient.segment(pipeline))/review-config-vars", body: ConfigPatch(unset: keys))
        if client.json { return try printServerJSON(data) }
        print("Unset \(keys.joined(separator: ", ")) for the review apps of \(pipeline)")
    }
}

/// `slipway pipelines update NAME [--repo R] [--target B] [--forks-get-config true|false]`.
struct PipelinesUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a pipeline's repository, target branch or fork rule.")
    @Argument(help: "The pipeline's name.") var name: String
    @Option(help: "The repository: a local path or a URL.") var repo: String?
    @Option(help: "The branch the gate merges into.") var target: String?
    @Option(help: "Whether pull requests from forks get the review config vars (true or false).") var forksGetConfig: Bool?
    @Option(help: "What happens to pull requests from forks: approve (held until 'slipway pr approve'), run or ignore.")
    var forkPullRequests: String?
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable {
        var repository: String?
        var target_branch: String?
        var forks_get_review_config_vars: Bool?
        var fork_pull_requests: String?
    }

    func validate() throws {
        if repo == nil && target == nil && forksGetConfig == nil && forkPullRequests == nil {
            throw ValidationError("give --repo, --target, --forks-get-config or --fork-pull-requests")
        }
        try ForkPolicyArgument.validate(forkPullRequests)
    }

    func run() async throws {
        let api = try client.client()
        let repository = repo.map { $0.contains("://") ? $0 : URL(fileURLWithPath: $0).standardizedFileURL.path }
        let data = try await api.send("PATCH", "/pipelines/\(APIClient.segment(name))",
                                      body: Body(repository: repository, target_branch: target, forks_get_review_config_vars: forksGetConfig,
                                                 fork_pull_requests: forkPullRequests))
        if client.json { return try printServerJSON(data) }
        let pipeline = try APIClient.decoder.decode(PipelineResource.self, from: data)
        print("Updated pipeline \(pipeline.name) (\(pipeline.repository), target \(pipeline.targetBranch), fork pull requests: "
              + "\(pipeline.forkPullRequests), forks get review config: \(pipeline.forksGetReviewConfigVars))")
    }
}

/// `--fork-pull-requests`: checked before anything is sent, so a typo is exit 2 naming the option.
enum ForkPolicyArgument {
    static let allowed = ["approve", "run", "ignore"]

    static func validate(_ value: String?) throws {
        guard let value, !allowed.contains(value) else { return }
        throw ValidationError("--fork-pull-requests: expected one of \(allowed.joined(separator: ", ")), got '\(value)'")
    }
}
