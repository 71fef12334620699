@testable import AddOns
import Foundation
import Logging
import Manifest
import PostgresNIO

/// One provisioner with managed servers (no fsync) for the whole test process: `initdb` runs once.
/// Recovery tests get servers of their own (`forRecovery`), so that what they drop is exactly what they expect.
enum SharedAddOns {
    private actor Holder {
        let label: String
        var provisioner: AddOnProvisioner?
        init(_ label: String) { self.label = label }
        func get() throws -> AddOnProvisioner {
            if let provisioner { return provisioner }
            let made = try AddOnProvisioner(AddOnConfiguration(directory: temporaryDirectory(label), durable: false))
            provisioner = made
            return made
        }
    }
    private static let holder = Holder("managed")
    private static let recoveryHolder = Holder("recovery")

    static func provisioner() async throws -> AddOnProvisioner { try await holder.get() }
    static func forRecovery() async throws -> AddOnProvisioner { try await recoveryHolder.get() }
}

func temporaryDirectory(_ label: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-addons-\(label)-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A unique app name for one test.
func appName(_ stem: String) -> String {
    let letters = Array("abcdefghijklmnop")
    return "\(stem)-" + String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(8).map { letters[Int(String($0), radix: 16)!] })
}

/// Runs SQL as the app would, with the URL it was given; returns the first column of the last statement's rows.
@discardableResult
func queryAsApp(_ url: String, database: String? = nil, _ statements: String...) async throws -> [String] {
    let endpoint = try ServerEndpoint.postgres(url)
    let configuration = PostgresConnection.Configuration(
        host: endpoint.host, port: endpoint.port, username: endpoint.user!, password: endpoint.password,
        database: database ?? endpoint.database!, tls: .disable)
    let logger = Logger(label: "addons-test")
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    do {
        var values: [String] = []
        for statement in statements {
            values = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) {
                if let cell = row.first { values.append((try? cell.decode(String?.self)).flatMap { $0 } ?? "") }
            }
        }
        try await connection.close()
        return values
    } catch {
        try? await connection.close()
        throw error
    }
}

/// The server's message of a PostgreSQL error, for expectations.
func serverMessage(_ error: any Error) -> String {
    (error as? PSQLError)?.serverInfo?[.message] ?? "\(type(of: error))"
}

/// Runs commands as an app on Redis, with the URL it was given.
func redisAsApp(_ url: String, _ commands: [[String]]) async throws -> [RESPValue] {
    let components = URLComponents(string: url)!
    return try await RedisConnection.with(
        host: components.host!, port: components.port!, user: components.user, password: components.password,
        database: Int(components.path.dropFirst())
    ) { connection in
        var replies: [RESPValue] = []
        for command in commands { replies.append(try await connection.send(command)) }
        return replies
    }
}

let postgresAddon = Addon(plan: "heroku-postgresql:essential-0")
let redisAddon = Addon(plan: "heroku-redis:mini")
