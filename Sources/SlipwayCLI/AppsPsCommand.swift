import ArgumentParser
import Foundation
import Server

/// `slipway ps --app A`: the app's dynos.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List an app's dynos.")
    @Option(help: "The app.") var app: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/apps/\(APIClient.segment(app))/dynos")
        if client.json { return try printServerJSON(data) }
        let dynos = try APIClient.decoder.decode([DynoResource].self, from: data)
        guard !dynos.isEmpty else { return print("\(app) runs no dynos") }
        print(Table(header: ["DYNO", "RELEASE", "STATE", "PORT", "RESTARTS"],
                    rows: dynos.map { [$0.name, "v\($0.release)", $0.state, String($0.port), String($0.restarts)] })
            .lines.joined(separator: "\n"))
    }
}
