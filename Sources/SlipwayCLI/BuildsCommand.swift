import ArgumentParser
import Foundation
import Server

/// `slipway builds …`: the builds the service made (clients of `/api/v1/builds`).
struct BuildsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "builds",
        abstract: "List builds, or show one with its build output.",
        subcommands: [BuildsList.self, BuildsInfo.self],
        defaultSubcommand: BuildsList.self
    )
}

struct BuildsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Builds, newest first.")
    @Option(help: "Show at most this many (1-1000).") var limit: Int?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/builds" + (limit.map { "?limit=\($0)" } ?? ""))
        if client.json { return try printServerJSON(data) }
        let builds = try APIClient.decoder.decode([BuildResource].self, from: data)
        guard !builds.isEmpty else { return print("No builds yet: slipway deploy --app A --dir PATH makes one") }
        print(Table(header: ["ID", "STATE", "SOURCE", "CREATED"],
                    rows: builds.map { [$0.id, $0.state, "\($0.sourceType) \($0.source.prefix(12))", shortDate($0.createdAt)] })
            .lines.joined(separator: "\n"))
    }
}

struct BuildsInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show one build and the tail of its output.")
    @Argument(help: "The build's id.") var id: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/builds/\(APIClient.segment(id))")
        if client.json { return try printServerJSON(data) }
        let build = try APIClient.decoder.decode(BuildResource.self, from: data)
        print("=== build \(build.id)\nstate:     \(build.state)\nsource:    \(build.sourceType) \(build.source)")
        print("directory: \(build.directory)\ncreated:   \(shortDate(build.createdAt))")
        if !build.outputTail.isEmpty { print("--- output\n\(build.outputTail)") }
    }
}
