import ArgumentParser
import Foundation
import Server
import SlipwayModel

extension TokenScope: ExpressibleByArgument {}

/// `slipway tokens …`: API tokens. A new token is shown once; the service keeps only its hash.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke API tokens.",
        subcommands: [TokensList.self, TokensCreate.self, TokensRevoke.self],
        defaultSubcommand: TokensList.self
    )
}

struct TokensList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never the tokens themselves).")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("GET", "/tokens")
        if client.json { return try printServerJSON(data) }
        let tokens = try APIClient.decoder.decode([TokenResource].self, from: data)
        print(Table(header: ["NAME", "SCOPE", "CREATED", "LAST USED", "REVOKED"],
                    rows: tokens.map { [$0.name, $0.scope, shortDate($0.createdAt), shortDate($0.lastUsedAt), shortDate($0.revokedAt)] })
            .lines.joined(separator: "\n"))
    }
}

struct TokensCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a token; it is shown once.")
    @Argument(help: "The token's name: [a-z][a-z0-9-]{0,29}.") var name: String
    @Option(help: "What it may do: read (every GET and the dashboard), deploy (read, plus deploys, rollbacks, promotions, config, scaling, pr sync/merge/approve) admin (everything) or worker (only what `slipway worker` needs: leasing and reporting test work).")
    var scope: TokenScope = .admin
    @OptionGroup var client: ClientOptions

    struct Body: Encodable, Sendable {
        var name: String
        var scope: String
    }

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("POST", "/tokens", body: Body(name: name, scope: scope.rawValue))
        if client.json { return try printServerJSON(data) }
        let created = try APIClient.decoder.decode(CreatedTokenResource.self, from: data)
        print("Created \(created.scope) token \(created.name). Copy it now: it is not shown again.\n\(created.token)")
    }
}

struct TokensRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token.")
    @Argument(help: "The token's name.") var name: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let data = try await api.send("DELETE", "/tokens/\(APIClient.segment(name))")
        if client.json { return try printServerJSON(data) }
        print("Revoked token \(name)")
    }
}
