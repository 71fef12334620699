import ArgumentParser
import Foundation
import Server

/// `slipway promote --app STAGING [--to A,B]`: the same build, a new release on each target.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Release an app's current build on the next stage's apps (or --to), without rebuilding.",
        discussion: "Each target keeps its own config vars. Exit 1 when any target failed."
    )
    @Option(help: "The app whose current build is promoted.") var app: String
    @Option(help: "Comma-separated target apps (default: every app at the pipeline's next stage).") var to: String?
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable { var to: [String]? }

    var targets: [String]? {
        to.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    func validate() throws {
        if let targets, targets.isEmpty { throw ValidationError("--to: give at least one app name") }
    }

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("POST", "/apps/\(APIClient.segment(app))/promotions", body: Body(to: targets), timeout: 1800)
        let promotion = try APIClient.decoder.decode(PromotionResource.self, from: data)
        if client.json {
            try printServerJSON(data)
        } else {
            print("Promoting \(promotion.source) v\(promotion.sourceRelease) (build \(promotion.buildID.prefix(12)))")
            for target in promotion.targets {
                print("  " + DeployReport.line(target, verb: "Promoted to"))
            }
        }
        let failed = promotion.targets.filter { !$0.succeeded }
        if !failed.isEmpty {
            throw CLIFailure(exitCode: .checkFailed, message: "promotion failed on \(failed.map(\.app).joined(separator: ", ")): "
                + failed.map { "\($0.app): \($0.reason ?? "unknown reason")" }.joined(separator: "; "))
        }
    }
}
