import ArgumentParser
import Foundation
import Server

/// Options every client of the service takes: where the service is, where the token comes from, and
/// whether to print JSON.
struct ClientOptions: ParsableArguments {
    static let defaultServer = "http://127.0.0.1:5100"
    static let defaultDataDirectory = ".slipway"

    @Option(help: "The service's URL (default: $SLIPWAY_SERVER, else \(defaultServer)).")
    var server: String?

    @Option(help: "Read the admin token from this data dir's admin-token file when SLIPWAY_TOKEN is not set.")
    var dataDir: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    /// A client for the service, or a usage failure naming what is missing.
    func client(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> APIClient {
        let address = server ?? environment["SLIPWAY_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultServer
        guard let base = URL(string: address), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            throw CLIFailure.usage("--server: expected a URL like \(Self.defaultServer), got '\(address)'")
        }
        return APIClient(baseURL: base, token: try token(environment: environment))
    }

    /// `SLIPWAY_TOKEN`, else `<data-dir>/admin-token` (`--data-dir`, or `.slipway` in the current directory).
    private func token(environment: [String: String]) throws -> String {
        if let token = environment["SLIPWAY_TOKEN"], !token.isEmpty { return token }
        let directory = URL(fileURLWithPath: dataDir ?? Self.defaultDataDirectory)
        if let token = AdminToken.read(dataDirectory: directory) { return token }
        throw CLIFailure.usage(
            "no API token: set SLIPWAY_TOKEN, or pass --data-dir with the service's data dir "
            + "(its \(AdminToken.fileName) file is read); create more with 'slipway tokens create NAME'")
    }
}
