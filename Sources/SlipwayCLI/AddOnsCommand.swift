import ArgumentParser
import Foundation
import Server

/// `slipway addons --app A [--reveal]`: the app's add-ons with their state (a client of
/// `GET /api/v1/apps/{app}/addons`). Credentials are masked unless --reveal (which needs a deploy token).
struct AddOnsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "addons",
        abstract: "List an app's add-ons (heroku-postgresql, heroku-redis): resource, state and URL.",
        discussion: "URLs are shown with their password masked (••••) unless --reveal is given."
    )
    @Option(help: "The app.") var app: String
    @Flag(help: "Show the URLs' passwords (needs a token with scope deploy).") var reveal = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/apps/\(APIClient.segment(app))/addons\(reveal ? "?reveal=true" : "")")
        if client.json { return try printServerJSON(data) }
        let addons = try APIClient.decoder.decode([AddOnResource].self, from: data)
        guard !addons.isEmpty else { return print("\(app) has no add-ons") }
        print(Table(header: ["SERVICE", "RESOURCE", "STATE", "URL"],
                    rows: addons.map { [$0.service, $0.resource, $0.state, $0.url] })
            .lines.joined(separator: "\n"))
    }
}
