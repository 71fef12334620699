import ArgumentParser
import Foundation
import Server

/// `slipway deploy --app A --dir PATH`: builds the directory on the service's machine and deploys it.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Build a local directory and deploy it to an app (zero-downtime; a failure keeps the old release).",
        discussion: "The service reads the directory itself, so it must be on the service's machine. Exit 1 when the deploy failed."
    )
    @Option(help: "The app.") var app: String
    @Option(help: "The app's directory (with Procfile and app.json).") var dir: String
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable { var directory: String }

    func run() async throws {
        let api = try client.client()
        let directory = URL(fileURLWithPath: dir).standardizedFileURL.path
        let data = try await api.send("POST", "/apps/\(APIClient.segment(app))/deploys", body: Body(directory: directory), timeout: 1800)
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
