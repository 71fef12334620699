import ArgumentParser
import Foundation
import Server

/// `slipway rollback --app A [vN]`: a new release with an earlier release's build and config.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make a new release from an earlier one (default: the release before the current one).",
        discussion: "Exit 1 when the rollback's deploy failed (the current release keeps serving)."
    )
    @Option(help: "The app.") var app: String
    @Argument(help: "The release to go back to: 7 or v7.") var version: String?
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable { var version: Int? }

    var number: Int? {
        guard let version else { return nil }
        return Int(version.hasPrefix("v") ? String(version.dropFirst()) : version)
    }

    func validate() throws {
        if version != nil, (number ?? 0) < 1 { throw ValidationError("expected a release like v7 or 7, got '\(version ?? "")'") }
    }

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("POST", "/apps/\(APIClient.segment(app))/rollbacks", body: Body(version: number), timeout: 1800)
        try DeployReport.show(data, json: client.json, verb: "Rolled back")
    }
}
