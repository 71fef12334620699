import ArgumentParser
import Foundation
import Server

/// `slipway github deliveries [--pipeline P] [--state failed|pending|delivered|superseded|all]`: the outbox of
/// reports to GitHub, failed ones by default, with what GitHub answered.
struct GitHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github",
        abstract: "Reporting back to GitHub: the outbox's deliveries.",
        subcommands: [GitHubDeliveries.self],
        defaultSubcommand: GitHubDeliveries.self
    )
}

struct GitHubDeliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries", abstract: "Deliveries to GitHub with GitHub's answer (failed ones unless --state says otherwise).")
    @Option(help: "Only this pipeline's deliveries.") var pipeline: String?
    @Option(help: "failed (default), pending, delivered, superseded or all.") var state: String = "failed"
    @Option(help: "At most this many, newest first.") var limit: Int = 100
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard ["failed", "pending", "delivered", "superseded", "all"].contains(state) else {
            throw ValidationError("--state: expected failed, pending, delivered, superseded or all")
        }
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let api = try client.client()
        var query = "?state=\(state)&limit=\(limit)"
        if let pipeline { query += "&pipeline=\(APIClient.segment(pipeline))" }
        let data = try await api.send("GET", "/github/deliveries" + query)
        if client.json { return try printServerJSON(data) }
        let deliveries = try APIClient.decoder.decode([GitHubDeliveryResource].self, from: data)
        if deliveries.isEmpty { return print("no \(state == "all" ? "" : state + " ")deliveries") }
        let rows = deliveries.map { delivery in
            [String(delivery.id), delivery.pipeline, delivery.kind, delivery.state, String(delivery.attempts),
             delivery.lastStatus.map(String.init) ?? "-", "\(delivery.method) \(delivery.path)", delivery.lastResponse ?? ""]
        }
        for line in Table(header: ["ID", "PIPELINE", "KIND", "STATE", "TRIES", "STATUS", "REQUEST", "GITHUB SAID"], rows: rows).lines {
            print(line)
        }
    }
}
