import ArgumentParser
import Foundation
import Server

/// `slipway deploy --app A (--dir PATH | --repo PATH --rev REV)`: builds a directory, or a commit of a repository
/// (read through libgit2), on the service's machine and deploys it.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Build a local directory or a commit and deploy it to an app (zero-downtime; a failure keeps the old release).",
        discussion: """
        The service reads the directory or repository itself, so it must be on the service's machine. A commit's \
        build is reused by every app that deploys the same tree. Exit 1 when the deploy failed.
        """
    )
    @Option(help: "The app.") var app: String
    @Option(help: "The app's directory (with Procfile and app.json).") var dir: String?
    @Option(help: "A git repository (work tree or bare).") var repo: String?
    @Option(help: "The revision of --repo to deploy: a branch, tag or commit id.") var rev: String?
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable {
        var directory: String?
        var repository: String?
        var rev: String?
    }

    func validate() throws {
        switch (dir, repo, rev) {
        case (_?, nil, nil), (nil, _?, _?): break
        default: throw ValidationError("give either --dir, or --repo and --rev")
        }
    }

    func run() async throws {
        let api = try client.client()
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        let body = Body(directory: dir.map(absolute), repository: repo.map(absolute), rev: rev)
        let data = try await api.send("POST", "/apps/\(APIClient.segment(app))/deploys", body: body, timeout: 1800)
        try DeployReport.show(data, json: client.json, verb: "Deployed")
    }
}

/// Shows a `DeployResult` and turns a failed deploy into exit 1.
enum DeployReport {
    static func show(_ data: Data, json: Bool, verb: String) throws {
        let result = try APIClient.decoder.decode(DeployResultResource.self, from: data)
        if json { try printServerJSON(data) } else { print(line(result, verb: verb)) }
        if !result.succeeded { throw failure(result) }
    }

    static func line(_ result: DeployResultResource, verb: String) -> String {
        result.succeeded
            ? "\(verb) \(result.app) \(result.release.label): \(result.release.description)"
            : "\(result.app) \(result.release.label) failed: \(result.reason ?? "unknown reason"); the previous release keeps serving"
    }

    static func failure(_ result: DeployResultResource) -> CLIFailure {
        let output = result.output.map { "\n" + $0 } ?? ""
        return CLIFailure(exitCode: .checkFailed, message: "\(result.app) \(result.release.label) was not deployed: \(result.reason ?? "unknown reason")\(output)")
    }
}
