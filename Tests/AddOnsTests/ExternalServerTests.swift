@testable import AddOns
import Foundation
import Manifest
import PostgresTestSupport
import SlipwayTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--addons-postgres URL` / `--addons-redis URL`: servers Slipway does not run, reached with an admin URL.
@Suite("Add-ons on external servers", .serialized)
struct ExternalServerTests {
    @Test
    func anExternalPostgreSQLServerGetsTheAppsDatabases() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let adminURL = cluster.url(database: "postgres")
        let provisioner = try AddOnProvisioner(AddOnConfiguration(directory: temporaryDirectory("external"), postgres: .external(adminURL)))
        let app = appName("ext")
        let made = try await provisioner.provision(app: app, addons: [postgresAddon])
        let url = try #require(made.configVars["DATABASE_URL"])
        #expect(url.contains("@127.0.0.1:\(cluster.port)/"))
        try await queryAsApp(url, "CREATE TABLE t (n int)")
        let name = try AddOnOwner.app(app).resourceName
        #expect(try await cluster.administer("SELECT datname FROM pg_database").contains(name))
        // The admin's password is in no output.
        #expect(!made.description.contains(cluster.password) && !made.description.contains(made.secretValues[0]))
        try await provisioner.deprovision(app: app)
        #expect(!(try await cluster.administer("SELECT datname FROM pg_database").contains(name)))
        #expect(!(try await cluster.administer("SELECT rolname FROM pg_roles").contains(name)))
    }

    @Test
    func aWrongAdminPasswordIsAnErrorThatDoesNotShowIt() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let secret = "not-the-password-\(UUID().uuidString.prefix(6))"
        let provisioner = try AddOnProvisioner(AddOnConfiguration(
            directory: temporaryDirectory("external-bad"), postgres: .external(cluster.url(database: "postgres", password: secret))))
        await #expect { try await provisioner.provision(app: appName("bad"), addons: [postgresAddon]) } throws: { error in
            let text = "\(error) \(String(reflecting: error))"
            return !text.contains(secret) && text.contains("127.0.0.1:\(cluster.port)")
        }
    }

    @Test
    func anExternalRedisServerGetsTheAppsDatabasesAndRemadeUsersAfterARestart() async throws {
        let server = try ExternalRedis()
        defer { server.stop() }
        try await server.waitUntilReady()
        let provisioner = try AddOnProvisioner(AddOnConfiguration(
            directory: temporaryDirectory("external-redis"), redis: .external("redis://:\(server.password)@127.0.0.1:\(server.port)")))
        let app = appName("extr")
        let url = try #require(try await provisioner.provision(app: app, addons: [redisAddon]).configVars["REDIS_URL"])
        #expect(try await redisAsApp(url, [["INCR", "n"]]) == [.integer(1)])
        // The server forgets ACL users it was not told to keep in a file; a new provisioner (a restarted serve)
        // makes them again from the claims.
        _ = try await RedisConnection.with(host: "127.0.0.1", port: server.port, password: server.password) {
            try await $0.run(["ACL", "DELUSER", try AddOnOwner.app(app).resourceName])
        }
        let restarted = try AddOnProvisioner(AddOnConfiguration(
            directory: temporaryDirectory("external-redis2"), redis: .external("redis://:\(server.password)@127.0.0.1:\(server.port)")))
        try await restarted.start()
        #expect(try await restarted.list(app: app).map(\.state) == [.available])
        try await restarted.deprovision(app: app)
    }
}

/// A plain `redis-server` with a password, as someone else would run it.
private final class ExternalRedis: Sendable {
    let port: Int
    let password = UUID().uuidString.replacingOccurrences(of: "-", with: "")
    private let process: Process

    init() throws {
        port = try ServerProcess.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ManagedRedisServer.binary())
        process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--databases", "32",
                             "--requirepass", password, "--dir", FileManager.default.temporaryDirectory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    func waitUntilReady() async throws {
        for _ in 0..<100 {
            if (try? await RedisConnection.with(host: "127.0.0.1", port: port, password: password, { try await $0.run(["PING"]) })) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGKILL without waiting: a child of Foundation's `Process` inherits a mask with SIGTERM blocked, and
    /// `waitUntilExit` can hang inside a test's task. Nothing in it needs keeping.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}
