import ArgumentParser
import Foundation
import Server

/// `slipway config …`: an app's config vars. Every change makes a new release.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show, set and unset an app's config vars (each change is a new release).",
        subcommands: [ConfigShow.self, ConfigSet.self, ConfigUnset.self],
        defaultSubcommand: ConfigShow.self
    )
}

extension ConfigCommand {
    /// The config is stored, but the dynos did not come up with it: the previous release keeps serving.
    static func restartFailure(app: String, _ release: ReleaseResource) -> CLIFailure {
        let output = release.releasePhaseOutput.map { "\n" + $0 } ?? ""
        return CLIFailure(exitCode: .checkFailed,
            message: "\(app) \(release.label) failed to start with the new config; the previous release keeps serving\(output)")
    }
}

struct ConfigShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the app's config vars.")
    @Option(help: "The app.") var app: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/apps/\(APIClient.segment(app))/config-vars")
        if client.json { return try printServerJSON(data) }
        let vars = try APIClient.decoder.decode([String: String].self, from: data)
        print("=== \(app) Config Vars")
        print(ConfigShow.render(vars))
    }

    /// `KEY: value` lines with the values aligned, as Heroku shows them.
    static func render(_ vars: [String: String]) -> String {
        let width = vars.keys.map(\.count).max() ?? 0
        return vars.keys.sorted().map { key in
            (key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + (vars[key] ?? "")
        }.joined(separator: "\n")
    }
}

/// The body of `PATCH /config-vars`: a string sets a key, null unsets it.
struct ConfigPatch: Encodable, Sendable {
    var set: [String: String] = [:]
    var unset: [String] = []

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in set { try container.encode(value, forKey: Key(key)) }
        for key in unset { try container.encodeNil(forKey: Key(key)) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

struct ConfigSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set config vars: KEY=VALUE…")
    @Option(help: "The app.") var app: String
    @Argument(help: "KEY=VALUE pairs.") var assignments: [String]
    @OptionGroup var client: ClientOptions

    func parsed() throws -> [String: String] {
        try KeyValueArguments.parse(assignments, option: "argument")
    }

    func validate() throws {
        guard !assignments.isEmpty else { throw ValidationError("give at least one KEY=VALUE") }
        _ = try parsed()
    }

    func run() async throws {
        let api = try client.client()
        let vars = try parsed()
        let data = try await api.send("PATCH", "/apps/\(APIClient.segment(app))/config-vars", body: ConfigPatch(set: vars))
        let change = try APIClient.decoder.decode(ConfigChangeResource.self, from: data)
        if client.json {
            try printServerJSON(data)
            if change.release.state == "failed" { throw ConfigCommand.restartFailure(app: app, change.release) }
            return
        }
        print("Set \(vars.keys.sorted().joined(separator: ", ")) on \(app): release \(change.release.label) (\(change.release.state))")
        print(ConfigShow.render(vars))
        if change.release.state == "failed" { throw ConfigCommand.restartFailure(app: app, change.release) }
    }
}

struct ConfigUnset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unset", abstract: "Unset config vars: KEY…")
    @Option(help: "The app.") var app: String
    @Argument(help: "Keys to remove.") var keys: [String]
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !keys.isEmpty else { throw ValidationError("give at least one KEY") }
    }

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("PATCH", "/apps/\(APIClient.segment(app))/config-vars", body: ConfigPatch(unset: keys))
        let change = try APIClient.decoder.decode(ConfigChangeResource.self, from: data)
        if client.json {
            try printServerJSON(data)
            if change.release.state == "failed" { throw ConfigCommand.restartFailure(app: app, change.release) }
            return
        }
        print("Unset \(keys.joined(separator: ", ")) on \(app): release \(change.release.label) (\(change.release.state))")
        if change.release.state == "failed" { throw ConfigCommand.restartFailure(app: app, change.release) }
    }
}
