@testable import AddOns
import Foundation
import Manifest
import SlipwayTestSupport
import Testing

/// `heroku-redis` on the managed server: Debian's `redis-server`, a logical database and an ACL user per app.
@Suite("Redis add-on (managed server)", .serialized)
struct RedisAddOnTests {
    @Test func twoAppsKeepSeparateCounters() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let (a, b) = (appName("counter"), appName("counter"))
        let urlA = try #require(try await provisioner.provision(app: a, addons: [redisAddon]).configVars["REDIS_URL"])
        let urlB = try #require(try await provisioner.provision(app: b, addons: [redisAddon]).configVars["REDIS_URL"])
        #expect(urlA != urlB)
        _ = try await redisAsApp(urlA, [["INCR", "hits"], ["INCR", "hits"], ["INCR", "hits"]])
        _ = try await redisAsApp(urlB, [["INCR", "hits"]])
        #expect(try await redisAsApp(urlA, [["GET", "hits"]]) == [.bulk(Array("3".utf8))])
        #expect(try await redisAsApp(urlB, [["GET", "hits"]]) == [.bulk(Array("1".utf8))])
        try await provisioner.deprovision(app: a)
        try await provisioner.deprovision(app: b)
    }

    @Test func anAppCannotSelectAnotherDatabaseNorFlushTheServer() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let (a, b) = (appName("fence"), appName("fence"))
        let urlA = try #require(try await provisioner.provision(app: a, addons: [redisAddon]).configVars["REDIS_URL"])
        let urlB = try #require(try await provisioner.provision(app: b, addons: [redisAddon]).configVars["REDIS_URL"])
        let databaseB = try #require(URLComponents(string: urlB)?.path.dropFirst())
        let replies = try await redisAsApp(urlA, [
            ["SELECT", String(databaseB)], ["SELECT", "0"], ["FLUSHALL"], ["CONFIG", "GET", "*"], ["ACL", "SETUSER", "x"], ["FLUSHDB"],
        ])
        for reply in replies.prefix(5) {
            guard case .error(let message) = reply else { Issue.record("expected NOPERM, got \(reply)"); continue }
            #expect(message.hasPrefix("NOPERM"))
        }
        #expect(replies[5] == .simple("OK"), "an app may empty its own database")
        try await provisioner.deprovision(app: a)
        try await provisioner.deprovision(app: b)
    }

    @Test func deprovisionRemovesTheUserAndTheData() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let app = appName("rgone")
        let url = try #require(try await provisioner.provision(app: app, addons: [redisAddon]).configVars["REDIS_URL"])
        _ = try await redisAsApp(url, [["SET", "k", "v"]])
        let database = try #require(Int(URLComponents(string: url)!.path.dropFirst()))
        #expect(try await provisioner.list(app: app).map(\.state) == [.available])
        #expect(try await provisioner.deprovision(app: app) == ["heroku-redis \(try AddOnOwner.app(app).resourceName)"])
        await #expect { try await redisAsApp(url, [["PING"]]) } throws: { ($0 as? RedisError)?.message.contains("WRONGPASS") == true }
        let admin = try await provisioner.redisAdminEndpoint()
        let size = try await RedisConnection.with(host: admin.host, port: admin.port, user: admin.user, password: admin.password, database: database) {
            try await $0.run(["DBSIZE"])
        }
        #expect(size == .integer(0))
        #expect(try await provisioner.list(app: app).isEmpty)
    }
}
