@testable import AddOns
import Foundation
import Manifest
import SlipwayTestSupport
import Testing

/// `heroku-postgresql` on the managed server: a real `initdb`, a real `postgres`, real roles and databases.
@Suite("PostgreSQL add-on (managed server)", .serialized)
struct PostgresAddOnTests {
    @Test func twoAppsGetSeparateDatabasesAndNeitherCanReachTheOther() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let (a, b) = (appName("shop"), appName("shop"))
        let first = try await provisioner.provision(app: a, addons: [postgresAddon])
        let second = try await provisioner.provision(app: b, addons: [postgresAddon])
        let urlA = try #require(first.configVars["DATABASE_URL"])
        let urlB = try #require(second.configVars["DATABASE_URL"])
        #expect(urlA != urlB)
        #expect(first.attachments.first?.source == .addon)
        // Heroku's colour var names the same database.
        let colored = first.configVars.filter { $0.key.hasPrefix("HEROKU_POSTGRESQL_") && $0.key.hasSuffix("_URL") }
        #expect(colored.count == 1 && colored.first?.value == urlA)

        try await queryAsApp(urlA, "CREATE TABLE notes (body text)", "INSERT INTO notes VALUES ('from a')")
        try await queryAsApp(urlB, "CREATE TABLE notes (body text)", "INSERT INTO notes VALUES ('from b')")
        #expect(try await queryAsApp(urlA, "SELECT body FROM notes") == ["from a"])
        #expect(try await queryAsApp(urlB, "SELECT body FROM notes") == ["from b"])

        // A's credentials cannot open B's database, nor the admin's.
        let databaseB = try #require(try ServerEndpoint.postgres(urlB).database)
        await #expect { try await queryAsApp(urlA, database: databaseB, "SELECT 1") } throws: { error in
            serverMessage(error).contains("permission denied for database")
        }
        await #expect { try await queryAsApp(urlA, database: "postgres", "SELECT 1") } throws: { error in
            serverMessage(error).contains("permission denied for database")
        }
        // Nor can it become anyone else or make databases.
        await #expect { try await queryAsApp(urlA, "CREATE DATABASE sneaky") } throws: { serverMessage($0).contains("permission denied") }
        try await provisioner.deprovision(app: a)
        try await provisioner.deprovision(app: b)
    }

    @Test func provisioningAgainReturnsTheSameDatabaseWithItsData() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let app = appName("keep")
        let first = try await provisioner.provision(app: app, addons: [postgresAddon])
        try await queryAsApp(first.configVars["DATABASE_URL"]!, "CREATE TABLE kept (n int)", "INSERT INTO kept VALUES (7)")
        let again = try await provisioner.provision(app: app, addons: [postgresAddon])
        #expect(again == first)
        #expect(try await queryAsApp(again.configVars["DATABASE_URL"]!, "SELECT n::text FROM kept") == ["7"])
        #expect(try await provisioner.list(app: app).map(\.state) == [.available])
        try await provisioner.deprovision(app: app)
    }

    @Test func deprovisionDropsTheDatabaseAndRoleFromTheCatalog() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let app = appName("gone")
        let made = try await provisioner.provision(app: app, addons: [postgresAddon])
        let url = try #require(made.configVars["DATABASE_URL"])
        let name = try #require(try ServerEndpoint.postgres(url).database)
        #expect(try await provisioner.postgresCatalogDatabases().contains(name))
        // An open connection does not keep the database alive.
        let dropped = try await provisioner.deprovision(app: app)
        #expect(dropped == ["heroku-postgresql \(name)"])
        #expect(!(try await provisioner.postgresCatalogDatabases().contains(name)))
        #expect(!(try await provisioner.postgresCatalogRoles().contains(name)))
        #expect(try await provisioner.list(app: app).isEmpty)
        await #expect(throws: (any Error).self) { try await queryAsApp(url, "SELECT 1") }
    }

    @Test func aRoleLeftByACrashIsCompletedByTheNextProvision() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let app = appName("resume")
        let name = try AddOnOwner.app(app).resourceName
        _ = try await provisioner.postgresAdmin(["CREATE ROLE \(name) LOGIN"])
        #expect(try await provisioner.list(app: app).map(\.state) == [.incomplete])
        let made = try await provisioner.provision(app: app, addons: [postgresAddon])
        #expect(try await queryAsApp(made.configVars["DATABASE_URL"]!, "SELECT current_database()::text") == [name])
        #expect(try await provisioner.list(app: app).map(\.state) == [.available])
        try await provisioner.deprovision(app: app)
    }

    @Test func eachTestRunWorkerGetsAFreshDatabaseDroppedAtTheEnd() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let run = "run" + appName("r").dropFirst(2)
        let workers = try await provisioner.provisionTestRun(id: run, workers: 2, addons: [postgresAddon])
        #expect(workers.count == 2)
        let urls = workers.compactMap { $0.configVars["DATABASE_URL"] }
        #expect(Set(urls).count == 2)
        try await queryAsApp(urls[0], "CREATE TABLE t (n int)")
        // A retried run starts empty again.
        let again = try await provisioner.provisionTestRun(id: run, workers: 2, addons: [postgresAddon])
        #expect(try await queryAsApp(again[0].configVars["DATABASE_URL"]!, "SELECT count(*)::text FROM pg_tables WHERE tablename = 't'") == ["0"])
        let dropped = try await provisioner.deprovisionTestRun(id: run)
        #expect(dropped.count == 2)
        let left = try await provisioner.postgresCatalogDatabases().filter { $0.hasPrefix(AddOnOwner.testRunStem(run)) }
        #expect(left.isEmpty)
    }

    @Test func unknownAddOnsAreWarningsAndTheOthersAreStillProvisioned() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let app = appName("mixed")
        let made = try await provisioner.provision(app: app, addons: [Addon(plan: "websolr"), postgresAddon, Addon(plan: "papertrail:choklad")])
        #expect(made.warnings.count == 2)
        #expect(made.warnings[0].contains("\"websolr\"") && made.warnings[1].contains("\"papertrail:choklad\""))
        #expect(made.attachments.map(\.kind) == [.postgres])
        try await provisioner.deprovision(app: app)
    }

    @Test func aSecondDatabaseAndAnAttachmentNameGetTheirOwnVars() async throws {
        let provisioner = try await SharedAddOns.provisioner()
        let app = appName("two")
        let made = try await provisioner.provision(app: app, addons: [postgresAddon, Addon(plan: "heroku-postgresql", attachmentName: "analytics")])
        #expect(made.attachments.count == 2)
        let first = made.attachments[0].configVars, second = made.attachments[1].configVars
        #expect(first["DATABASE_URL"] != nil && second["DATABASE_URL"] == nil)
        #expect(second["ANALYTICS_URL"] != nil && second["ANALYTICS_URL"] != first["DATABASE_URL"])
        #expect(Set(first.keys).intersection(second.keys).isEmpty)
        #expect(try await provisioner.deprovision(app: app).count == 2)
    }
}

/// As root the managed server runs as `postgres`, which must pass through every directory above the data dir's
/// add-ons: a private data dir gets an ACL entry for that user alone; a private directory above it is named in a
/// clear error instead of initdb's bare "Permission denied".
@Suite(.serialized) struct UnreachableDirectoryTests {
    @Test func aPrivateDataDirLetsThePostgresUserAlonePass() async throws {
        #expect(geteuid() == 0, "the managed servers run as their own users only when Slipway runs as root (CI does)")
        let parent = temporaryDirectory("datadir")
        defer { try? FileManager.default.removeItem(at: parent) }
        let data = parent.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: data.path)
        let provisioner = try AddOnProvisioner(AddOnConfiguration(directory: data.appendingPathComponent("addons"), durable: false))
        let made = try await provisioner.provision(app: appName("shop"), addons: [postgresAddon])
        #expect(made.configVars["DATABASE_URL"] != nil)
        await provisioner.stop()
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: data.path)[.posixPermissions] as? Int)
        #expect(mode & 0o007 == 0, "others still cannot enter the data dir: \(String(mode, radix: 8))")
        let acl = Process()
        acl.executableURL = URL(fileURLWithPath: "/usr/bin/getfacl")
        acl.arguments = ["-cp", data.path]
        let pipe = Pipe()
        acl.standardOutput = pipe
        try acl.run()
        acl.waitUntilExit()
        let entries = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(entries.contains("user:postgres:--x"), "\(entries)")
    }

    @Test func aPrivateParentIsNamedBeforeInitdbRuns() async throws {
        #expect(geteuid() == 0, "the managed servers run as their own users only when Slipway runs as root (CI does)")
        let parent = temporaryDirectory("private")
        defer { try? FileManager.default.removeItem(at: parent) }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: parent.path)
        let provisioner = try AddOnProvisioner(AddOnConfiguration(directory: parent.appendingPathComponent("data/addons"), durable: false))
        await #expect { try await provisioner.provision(app: appName("shop"), addons: [postgresAddon]) } throws: { error in
            let message = (error as? AddOnError)?.message ?? ""
            return message.contains("cannot reach") && message.contains("\(parent.path) (mode 700)") && message.contains("chmod o+x")
        }
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("data/addons/postgres/data").path))
        await provisioner.stop()
    }
}
