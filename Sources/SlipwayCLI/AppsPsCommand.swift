import ArgumentParser
import Foundation
import Server

/// `slipway ps --app A` lists the app's dynos; `slipway ps scale --app A web=N …` changes the formation.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List an app's dynos, or scale its process types.",
        subcommands: [PsList.self, PsScale.self],
        defaultSubcommand: PsList.self
    )
}

struct PsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an app's dynos.")
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

/// `PATCH /apps/{app}/formation`: the running release is scaled first, so a failure changes nothing.
struct PsScale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Set how many dynos of each process type run: TYPE=N… (e.g. web=2 worker=1)."
    )
    @Option(help: "The app.") var app: String
    @Argument(help: "TYPE=N pairs, N from 0.") var quantities: [String]
    @OptionGroup var client: ClientOptions

    /// The body the API takes (Heroku's batch shape).
    struct Body: Encodable, Sendable {
        struct Update: Encodable, Sendable {
            var type: String
            var quantity: Int
        }
        var updates: [Update]
    }

    /// `web=2 worker=0` → updates in the order given; a bad pair is a usage error naming it.
    static func updates(_ arguments: [String]) throws -> [Body.Update] {
        guard !arguments.isEmpty else { throw CLIFailure.usage("ps scale: give at least one TYPE=N, e.g. web=2") }
        var seen: Set<String> = []
        return try arguments.map { argument in
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw CLIFailure.usage("ps scale \(argument): expected TYPE=N, e.g. web=2")
            }
            let type = String(argument[..<equals])
            let number = argument[argument.index(after: equals)...]
            guard let quantity = Int(number), quantity >= 0, number.allSatisfy(\.isASCII) else {
                throw CLIFailure.usage("ps scale \(argument): the quantity of \(type) must be a whole number from 0")
            }
            guard seen.insert(type).inserted else {
                throw CLIFailure.usage("ps scale \(argument): \(type) is given twice")
            }
            return Body.Update(type: type, quantity: quantity)
        }
    }

    func run() async throws {
        let updates = try Self.updates(quantities)
        let api = try client.client()
        // Scaling waits for new dynos to become healthy, like a deploy.
        let data = try await api.send("PATCH", "/apps/\(APIClient.segment(app))/formation", body: Body(updates: updates),
                                      timeout: 600)
        if client.json { return try printServerJSON(data) }
        let formation = try APIClient.decoder.decode([FormationResource].self, from: data)
        print("Scaled \(app): " + updates.map { "\($0.type)=\($0.quantity)" }.joined(separator: " "))
        print(Table(header: ["TYPE", "QUANTITY", "SIZE"],
                    rows: formation.map { [$0.type, String($0.quantity), $0.size] })
            .lines.joined(separator: "\n"))
    }
}
