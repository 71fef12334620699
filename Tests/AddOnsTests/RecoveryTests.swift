@testable import AddOns
import Foundation
import Manifest
import SlipwayTestSupport
import Testing

/// Startup recovery on managed servers of its own: what a crash or a vanished app leaves is dropped, nothing else.
@Suite("Add-on recovery", .serialized)
struct RecoveryTests {
    @Test func recoveryDropsTheDatabasesOfAppsThatAreGoneAndKeepsTheOthers() async throws {
        let provisioner = try await SharedAddOns.forRecovery()
        let (live, dead) = (appName("live"), appName("dead"))
        let kept = try await provisioner.provision(app: live, addons: [postgresAddon])
        _ = try await provisioner.provision(app: dead, addons: [postgresAddon, redisAddon])
        let deadName = try AddOnOwner.app(dead).resourceName
        let dropped = try await provisioner.recoverOrphans(liveApps: [live])
        #expect(dropped == ["heroku-postgresql \(deadName)", "heroku-redis \(deadName)"])
        #expect(!(try await provisioner.postgresCatalogDatabases().contains(deadName)))
        #expect(try await provisioner.list(app: dead).isEmpty)
        #expect(try await queryAsApp(kept.configVars["DATABASE_URL"]!, "SELECT 'still here'") == ["still here"])
        try await provisioner.deprovision(app: live)
    }

    @Test func aProvisionCutShortIsCleanedByRecovery() async throws {
        let provisioner = try await SharedAddOns.forRecovery()
        // A crash between CREATE ROLE and CREATE DATABASE leaves a role alone; one during a test run, a database.
        let roleOnly = try AddOnOwner.app(appName("crashed")).resourceName
        let runDatabase = try AddOnOwner.testRun("crashedrun", worker: 0).resourceName
        _ = try await provisioner.postgresAdmin([
            "CREATE ROLE \(roleOnly) LOGIN", "CREATE ROLE \(runDatabase) LOGIN", "CREATE DATABASE \(runDatabase) OWNER \(runDatabase)",
        ])
        let dropped = try await provisioner.recoverOrphans(liveApps: [])
        #expect(Set(dropped) == ["heroku-postgresql \(roleOnly)", "heroku-postgresql \(runDatabase)"])
        let roles = try await provisioner.postgresCatalogRoles()
        #expect(!roles.contains(roleOnly) && !roles.contains(runDatabase))
        #expect(!(try await provisioner.postgresCatalogDatabases().contains(runDatabase)))
    }

    @Test func recoveryDropsRedisUsersAndClaimsOfAppsThatAreGone() async throws {
        let provisioner = try await SharedAddOns.forRecovery()
        let (live, dead) = (appName("rlive"), appName("rdead"))
        let kept = try #require(try await provisioner.provision(app: live, addons: [redisAddon]).configVars["REDIS_URL"])
        _ = try await provisioner.provision(app: dead, addons: [redisAddon])
        // A crash after the claim, before the user: only the claim is left.
        let halfMade = try AddOnOwner.testRun("halfrun", worker: 1).resourceName
        let admin = try await provisioner.redisAdminEndpoint()
        _ = try await RedisConnection.with(host: admin.host, port: admin.port, user: admin.user, password: admin.password) {
            try await $0.run(["HSET", RedisDatabases.registry, halfMade, "1000"])
        }
        let dropped = try await provisioner.recoverOrphans(liveApps: [live])
        #expect(Set(dropped) == ["heroku-redis \(try AddOnOwner.app(dead).resourceName)", "heroku-redis \(halfMade)"])
        #expect(try await redisAsApp(kept, [["PING"]]) == [.simple("PONG")])
        try await provisioner.deprovision(app: live)
    }
}
