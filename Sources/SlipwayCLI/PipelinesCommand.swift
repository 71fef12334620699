import ArgumentParser
import Foundation
import Server

/// `slipway pipelines …`: clients of `/api/v1/pipelines`.
struct PipelinesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipelines",
        abstract: "Create, list, show and delete pipelines (a repository, a target branch, apps by stage).",
        subcommands: [PipelinesList.self, PipelinesCreate.self, PipelinesInfo.self, PipelinesUpdate.self, PipelinesConfig.self, PipelinesDestroy.self,
                      PipelinesGitHub.self],
        defaultSubcommand: PipelinesList.self
    )
}

struct PipelinesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List pipelines.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/pipelines")
        if client.json { return try printServerJSON(data) }
        let pipelines = try APIClient.decoder.decode([PipelineResource].self, from: data)
        guard !pipelines.isEmpty else { return print("No pipelines yet: slipway pipelines create NAME --repo PATH") }
        print(Table(header: ["NAME", "TARGET", "FORK PRS", "REPOSITORY", "CREATED"],
                    rows: pipelines.map { [$0.name, $0.targetBranch, $0.forkPullRequests, $0.repository, shortDate($0.createdAt)] })
            .lines.joined(separator: "\n"))
    }
}

struct PipelinesCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a pipeline.")
    @Argument(help: "The pipeline's name: [a-z][a-z0-9-]{0,29}.") var name: String
    @Option(help: "The repository: a local path or a URL.") var repo: String
    @Option(help: "The branch the gate merges into.") var target: String = "main"
    @Option(help: "What happens to pull requests from forks: approve (the default; held until 'slipway pr approve'), run or ignore.")
    var forkPullRequests: String?
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable {
        var name: String
        var repository: String
        var target_branch: String
        var fork_pull_requests: String?
    }

    func validate() throws {
        try ForkPolicyArgument.validate(forkPullRequests)
    }

    func run() async throws {
        let api = try client.client()
        let repository = repo.contains("://") ? repo : URL(fileURLWithPath: repo).standardizedFileURL.path
        let data = try await api.send("POST", "/pipelines", body: Body(name: name, repository: repository, target_branch: target,
                                                                            fork_pull_requests: forkPullRequests))
        if client.json { return try printServerJSON(data) }
        let pipeline = try APIClient.decoder.decode(PipelineResource.self, from: data)
        print("Created pipeline \(pipeline.name) (\(pipeline.repository), target \(pipeline.targetBranch), fork pull requests: \(pipeline.forkPullRequests))")
    }
}

struct PipelinesInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a pipeline and its apps by stage.")
    @Argument(help: "The pipeline's name.") var name: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/pipelines/\(APIClient.segment(name))")
        if client.json { return try printServerJSON(data) }
        let pipeline = try APIClient.decoder.decode(PipelineResource.self, from: data)
        print("=== \(pipeline.name)\nrepository: \(pipeline.repository)\ntarget:     \(pipeline.targetBranch)\nfork PRs:   \(pipeline.forkPullRequests)"
              + (pipeline.forksGetReviewConfigVars ? " (with the review config vars)" : ""))
        let apps = pipeline.apps ?? []
        if apps.isEmpty { return print("no apps yet") }
        print(Table(header: ["STAGE", "APP"], rows: apps.map { [$0.stage, $0.name] }).lines.joined(separator: "\n"))
    }
}

struct PipelinesDestroy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "destroy", abstract: "Delete a pipeline that has no apps left.")
    @Argument(help: "The pipeline's name.") var name: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        _ = try await api.send("DELETE", "/pipelines/\(APIClient.segment(name))")
        if client.json { return try printJSON(["deleted": name]) }
        print("Deleted pipeline \(name)")
    }
}
