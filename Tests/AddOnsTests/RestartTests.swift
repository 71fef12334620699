@testable import AddOns
import Foundation
import Manifest
import SlipwayTestSupport
import Testing

/// `serve` stops and starts again: the managed servers come back on the same ports, with the apps' data and users,
/// so the URLs in the apps' releases keep working.
@Suite("Add-on servers across a restart", .serialized)
struct RestartTests {
    @Test func urlsAndDataSurviveAStopAndAStart() async throws {
        let directory = temporaryDirectory("restart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = appName("restart")
        let first = try AddOnProvisioner(AddOnConfiguration(directory: directory))
        let made = try await first.provision(app: app, addons: [postgresAddon, redisAddon])
        let database = try #require(made.configVars["DATABASE_URL"]), cache = try #require(made.configVars["REDIS_URL"])
        try await queryAsApp(database, "CREATE TABLE kept (n int)", "INSERT INTO kept VALUES (42)")
        _ = try await redisAsApp(cache, [["SET", "kept", "yes"]])
        await first.stop()
        await #expect(throws: (any Error).self) { try await queryAsApp(database, "SELECT 1") }

        let second = try AddOnProvisioner(AddOnConfiguration(directory: directory))
        try await second.start()
        #expect(try await queryAsApp(database, "SELECT n::text FROM kept") == ["42"])
        #expect(try await redisAsApp(cache, [["GET", "kept"]]) == [.bulk(Array("yes".utf8))])
        #expect(try await second.provision(app: app, addons: [postgresAddon, redisAddon]) == made)
        #expect(try await second.list(app: app).map(\.state) == [.available, .available])
        try await second.deprovision(app: app)
        await second.stop()
    }
}
