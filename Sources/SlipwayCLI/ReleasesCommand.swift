import ArgumentParser
import Foundation
import Server

/// `slipway releases …`: an app's releases.
struct ReleasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "releases",
        abstract: "List an app's releases, or show one.",
        subcommands: [ReleasesList.self, ReleasesInfo.self],
        defaultSubcommand: ReleasesList.self
    )
}

struct ReleasesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The app's releases, newest first.")
    @Option(help: "The app.") var app: String
    @Option(help: "Show at most this many (1-1000).") var limit: Int?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let api = try client.client()
        let query = limit.map { "?limit=\($0)" } ?? ""
        let data = try await api.send("GET", "/apps/\(APIClient.segment(app))/releases\(query)")
        if client.json { return try printServerJSON(data) }
        let releases = try APIClient.decoder.decode([ReleaseResource].self, from: data)
        print("=== \(app) Releases")
        guard !releases.isEmpty else { return print("no releases yet") }
        print(Table(header: ["VERSION", "STATE", "DESCRIPTION", "CREATED"],
                    rows: releases.map { [$0.label, $0.state, $0.description, shortDate($0.createdAt)] }).lines.joined(separator: "\n"))
    }
}

struct ReleasesInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show one release.")
    @Option(help: "The app.") var app: String
    @Argument(help: "The release: 7 or v7.") var version: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/apps/\(APIClient.segment(app))/releases/\(APIClient.segment(version))")
        if client.json { return try printServerJSON(data) }
        let release = try APIClient.decoder.decode(ReleaseResource.self, from: data)
        print("=== \(app) \(release.label)\nstate:       \(release.state)\ndescription: \(release.description)")
        print("build:       \(release.buildID ?? "-")\nconfig:      \(release.configKeys.joined(separator: ", "))\ncreated:     \(shortDate(release.createdAt))")
        if let output = release.releasePhaseOutput, !output.isEmpty { print("--- release phase\n\(output)") }
    }
}
