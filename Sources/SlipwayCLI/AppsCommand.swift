import ArgumentParser
import Foundation
import Server

/// `slipway apps …`: clients of `/api/v1/apps`.
struct AppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apps",
        abstract: "Create, list, show and delete apps.",
        subcommands: [AppsList.self, AppsCreate.self, AppsInfo.self, AppsDestroy.self],
        defaultSubcommand: AppsList.self
    )
}

struct AppsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List apps.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/apps")
        if client.json { return try printServerJSON(data) }
        let apps = try APIClient.decoder.decode([AppResource].self, from: data)
        guard !apps.isEmpty else { return print("No apps yet: slipway apps create NAME [--pipeline P --stage S]") }
        print(Table(header: ["NAME", "PIPELINE", "STAGE", "CREATED"],
                    rows: apps.map { [$0.name, $0.pipeline ?? "-", $0.stage ?? "-", shortDate($0.createdAt)] }).lines.joined(separator: "\n"))
    }
}

struct AppsCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an app, stand-alone or in a pipeline at a stage.")
    @Argument(help: "The app's name: [a-z][a-z0-9-]{0,29}.") var name: String
    @Option(help: "The pipeline the app belongs to.") var pipeline: String?
    @Option(help: "The app's stage: review, development, staging or production.") var stage: String?
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable {
        var name: String
        var pipeline: String?
        var stage: String?
    }

    func validate() throws {
        if (pipeline == nil) != (stage == nil) {
            throw ValidationError("--pipeline and --stage go together: give both, or neither for a stand-alone app")
        }
    }

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("POST", "/apps", body: Body(name: name, pipeline: pipeline, stage: stage))
        if client.json { return try printServerJSON(data) }
        let app = try APIClient.decoder.decode(AppResource.self, from: data)
        if let pipeline = app.pipeline, let stage = app.stage {
            print("Created app \(app.name) in pipeline \(pipeline) at stage \(stage)")
        } else {
            print("Created app \(app.name)")
        }
    }
}

struct AppsInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show an app.")
    @Option(help: "The app.") var app: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/apps/\(APIClient.segment(app))")
        if client.json { return try printServerJSON(data) }
        let shown = try APIClient.decoder.decode(AppResource.self, from: data)
        print("=== \(shown.name)\npipeline: \(shown.pipeline ?? "-")\nstage:    \(shown.stage ?? "-")\ncreated:  \(shortDate(shown.createdAt))")
    }
}

struct AppsDestroy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "destroy", abstract: "Delete an app with its config vars, releases and formation.")
    @Option(help: "The app.") var app: String
    @Option(help: "The app's name again, to confirm.") var confirm: String
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard confirm == app else { throw ValidationError("--confirm must repeat the app's name (\(app)) to delete it") }
    }

    func run() async throws {
        let api = try client.client()
        _ = try await api.send("DELETE", "/apps/\(APIClient.segment(app))")
        if client.json { return try printJSON(["deleted": app]) }
        print("Deleted app \(app)")
    }
}
