import ArgumentParser
import Foundation
import Server

/// `slipway review-apps --pipeline P [--all]`: the pipeline's review apps with their pull request, state
/// and URL (a client of `GET /api/v1/pipelines/{name}/review-apps`).
struct ReviewAppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review-apps",
        abstract: "List a pipeline's review apps: pull request, branch, state, URL and last deploy.",
        discussion: "Destroyed review apps are left out unless --all is given."
    )
    @Option(help: "The pipeline.") var pipeline: String
    @Flag(help: "Include destroyed review apps.") var all = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let query = all ? "?all=true" : ""
        let data = try await api.send("GET", "/pipelines/\(APIClient.segment(pipeline))/review-apps\(query)")
        if client.json { return try printServerJSON(data) }
        let apps = try APIClient.decoder.decode([ReviewAppResource].self, from: data)
        guard !apps.isEmpty else { return print("\(pipeline) has no review apps\(all ? "" : " (--all shows destroyed ones)")") }
        print(Table(header: ["APP", "PR", "BRANCH", "STATE", "URL", "LAST DEPLOY"],
                    rows: apps.map { [$0.app, "#\($0.prNumber)", $0.branch, $0.state, $0.url ?? $0.urlHost ?? "-", shortDate($0.lastDeployedAt)] })
            .lines.joined(separator: "\n"))
    }
}
