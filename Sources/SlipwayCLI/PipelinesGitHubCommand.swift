import ArgumentParser
import Foundation
import Server

/// `slipway pipelines github --pipeline P …`: how a pipeline reports back to GitHub. Without credentials it shows
/// the settings; credentials come from a file or stdin, never from the command line (argv is visible to every
/// user of the machine and lands in shell histories).
struct PipelinesGitHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github",
        abstract: "Show or set how a pipeline reports back to GitHub (commit statuses).",
        discussion: """
            With a token: --token-file FILE or --token-stdin. With a GitHub App: --app-id ID --installation-id N \
            --private-key-file FILE.pem. Owner and repository default to the pipeline's repository URL. \
            --remove stops reporting.
            """
    )
    @Option(help: "The pipeline.") var pipeline: String
    @Option(help: "The repository's owner on GitHub (default: from the pipeline's repository URL).") var owner: String?
    @Option(name: .customLong("repo"), help: "The repository's name on GitHub (default: from the pipeline's repository URL).") var repository: String?
    @Option(help: "The API: https://api.github.com (default) or GitHub Enterprise's https://HOST/api/v3.") var apiUrl: String?
    @Option(help: "A file holding the token (its first line).") var tokenFile: String?
    @Flag(help: "Read the token from standard input.") var tokenStdin = false
    @Option(help: "A GitHub App's id.") var appId: String?
    @Option(help: "The App's installation id on the repository's owner.") var installationId: Int64?
    @Option(help: "The App's private key (PEM file).") var privateKeyFile: String?
    @Option(help: "Keep one comment on each pull request up to date (true or false).") var comment: Bool?
    @Flag(help: "Stop reporting this pipeline to GitHub.") var remove = false
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable {
        var owner: String?
        var repository: String?
        var api_url: String?
        var token: String?
        var app_id: String?
        var installation_id: Int64?
        var private_key: String?
        var pull_request_comment: Bool?
    }

    var changes: Bool {
        tokenFile != nil || tokenStdin || appId != nil || installationId != nil || privateKeyFile != nil
            || owner != nil || repository != nil || apiUrl != nil || comment != nil
    }

    func validate() throws {
        if remove && changes { throw ValidationError("--remove takes no other settings") }
        let app = appId != nil || installationId != nil || privateKeyFile != nil
        if tokenFile != nil && tokenStdin { throw ValidationError("give --token-file or --token-stdin, not both") }
        if app && (tokenFile != nil || tokenStdin) { throw ValidationError("give a token or a GitHub App, not both") }
        if app && (appId == nil || installationId == nil || privateKeyFile == nil) {
            throw ValidationError("a GitHub App needs --app-id, --installation-id and --private-key-file")
        }
        if changes && !app && tokenFile == nil && !tokenStdin {
            throw ValidationError("give the credentials: --token-file FILE, --token-stdin, or --app-id with --installation-id and --private-key-file")
        }
    }

    func run() async throws {
        let api = try client.client()
        let path = "/pipelines/\(APIClient.segment(pipeline))/github"
        if remove {
            _ = try await api.send("DELETE", path)
            if client.json { return try printServerJSON(Data(#"{"reports_to_github": false}"#.utf8)) }
            return print("\(pipeline) no longer reports to GitHub")
        }
        let data: Data
        if changes {
            var body = Body(owner: owner, repository: repository, api_url: apiUrl, pull_request_comment: comment)
            if let tokenFile {
                body.token = try Self.firstLine(of: try Self.read(tokenFile, option: "--token-file"), option: "--token-file")
            } else if tokenStdin {
                body.token = try Self.firstLine(of: FileHandle.standardInput.readDataToEndOfFile(), option: "--token-stdin")
            } else if let privateKeyFile {
                body.app_id = appId
                body.installation_id = installationId
                body.private_key = String(decoding: try Self.read(privateKeyFile, option: "--private-key-file"), as: UTF8.self)
            }
            data = try await api.send("PUT", path, body: body)
        } else {
            data = try await api.send("GET", path)
        }
        if client.json { return try printServerJSON(data) }
        let settings = try APIClient.decoder.decode(GitHubSettingsResource.self, from: data)
        print("=== \(settings.pipeline) reports to GitHub")
        print("repository:  \(settings.owner)/\(settings.repository)")
        print("api:         \(settings.apiURL)")
        switch settings.credentials {
        case "app": print("credentials: GitHub App \(settings.appID ?? "?"), installation \(settings.installationID.map(String.init) ?? "?")")
        default: print("credentials: a token (hidden)")
        }
        print("pr comment:  \(settings.pullRequestComment ? "on" : "off")")
    }

    static func read(_ path: String, option: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIFailure.usage("\(option): cannot read \(path)")
        }
    }

    static func firstLine(of data: Data, option: String) throws -> String {
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let token = line.trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw CLIFailure.usage("\(option): no token in it (the first line is empty)") }
        return token
    }
}
