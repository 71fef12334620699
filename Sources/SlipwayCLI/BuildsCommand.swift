import ArgumentParser
import Foundation
import Server

/// `slipway builds …`: the builds the service made (clients of `/api/v1/builds`).
struct BuildsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "builds",
        abstract: "List builds, show one with its build output (--follow streams it), or show and clear the dependency cache.",
        subcommands: [BuildsList.self, BuildsInfo.self, BuildsCache.self],
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
        if builds.isEmpty {
            print("No builds yet: slipway deploy --app A --dir PATH makes one")
        } else {
            print(Table(header: ["ID", "STATE", "SOURCE", "CREATED"],
                        rows: builds.map { [$0.id, $0.state, "\($0.sourceType) \($0.source.prefix(12))", shortDate($0.createdAt)] })
                .lines.joined(separator: "\n"))
        }
        // The API without a runtime has no cache to report.
        if let data = try? await api.send("GET", "/builds/cache"),
           let cache = try? APIClient.decoder.decode(BuildCacheResource.self, from: data) {
            print("Dependency cache: \(cache.entries.count) layer(s), \(BuildsCache.megabytes(cache.bytes)) of "
                  + "\(BuildsCache.megabytes(cache.limitBytes)) (slipway builds cache)")
        }
    }
}

struct BuildsInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show one build and the tail of its output.")
    @Argument(help: "The build's id.") var id: String
    @Flag(help: "Print the build's whole output as it is written, until the build ends.") var follow = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        if follow { return try await self.follow(api) }
        let data = try await api.send("GET", "/builds/\(APIClient.segment(id))")
        if client.json { return try printServerJSON(data) }
        let build = try APIClient.decoder.decode(BuildResource.self, from: data)
        print("=== build \(build.id)\nstate:     \(build.state)\nsource:    \(build.sourceType) \(build.source)")
        print("directory: \(build.directory)\ncreated:   \(shortDate(build.createdAt))")
        if !build.outputTail.isEmpty { print("--- output\n\(build.outputTail)") }
    }
}

extension BuildsInfo {
    /// Polls `/builds/ID/output` from offset 0 and prints each new piece, until the build is no longer running.
    private func follow(_ api: APIClient) async throws {
        var offset = 0
        while true {
            let data = try await api.send("GET", "/builds/\(APIClient.segment(id))/output?offset=\(offset)")
            let piece = try APIClient.decoder.decode(BuildOutputResource.self, from: data)
            if !piece.text.isEmpty {
                FileHandle.standardOutput.write(Data(piece.text.utf8))
            }
            offset = piece.nextOffset
            if !piece.running && piece.text.isEmpty { break }
            if piece.text.isEmpty { try await Task.sleep(for: .milliseconds(300)) }
        }
        let build = try APIClient.decoder.decode(BuildResource.self, from: try await api.send("GET", "/builds/\(APIClient.segment(id))"))
        print("=== build \(build.id): \(build.state)")
        if build.state == "failed" { throw ExitCode(1) }
    }
}

/// `slipway builds cache [clear]`: the dependency layers per pipeline, or empty them.
struct BuildsCache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Show the dependency cache (venvs, node_modules per pipeline), or clear it.",
        subcommands: [BuildsCacheShow.self, BuildsCacheClear.self], defaultSubcommand: BuildsCacheShow.self)

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
}

struct BuildsCacheShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "The cached layers, most recently used first.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let data = try await client.client().send("GET", "/builds/cache")
        if client.json { return try printServerJSON(data) }
        let cache = try APIClient.decoder.decode(BuildCacheResource.self, from: data)
        print("\(cache.entries.count) layer(s), \(BuildsCache.megabytes(cache.bytes)) of \(BuildsCache.megabytes(cache.limitBytes)); "
              + "the least recently used go first beyond that")
        guard !cache.entries.isEmpty else { return }
        print(Table(header: ["PIPELINE", "LAYER", "RUNTIME", "SIZE", "LAST USED"],
                    rows: cache.entries.map { [$0.scope, $0.name, $0.runtime, BuildsCache.megabytes($0.bytes), shortDate($0.lastUsed)] })
            .lines.joined(separator: "\n"))
    }
}

struct BuildsCacheClear: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Empty the cache: the next builds install from scratch.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let data = try await client.client().send("DELETE", "/builds/cache")
        if client.json { return try printServerJSON(data) }
        let cleared = try APIClient.decoder.decode(BuildCacheClearedResource.self, from: data)
        print("Removed \(cleared.removed) cached layer(s)")
    }
}
