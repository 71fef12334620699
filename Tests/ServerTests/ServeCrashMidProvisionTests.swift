import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PostgresTestSupport
import SlipwayTestSupport
import Testing

/// `kill -9` of a real `slipway serve` while it creates an app's `heroku-postgresql` database (its role exists,
/// the database may not yet), on an add-on server the test can read the catalog of (`--addons-postgres`). The
/// next `serve` on the same data dir: the interrupted deploy failed and nothing half-made serves; the next deploy
/// completes the same database (its release phase writes through `DATABASE_URL`); destroying the app leaves no
/// database and no role behind.
@Suite(.serialized)
struct ServeCrashMidProvisionTests {
    @Test func killedWhileTheDatabaseIsMadeLeavesNoOrphanAndNoHalfMadeApp() async throws {
        #expect(SlipwayBinary.url != nil && FixturePython.isAvailable, "needs the slipway executable and python3")
        let cluster = try await PostgresTestCluster.shared()
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        // A name of this test's own: the cluster is shared with other suites.
        let app = "crash\(UInt32.random(in: 10_000...99_999))"
        let resource = "slipway_addon_\(app)"
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let arguments = ["serve", "--data-dir", directory.url.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
                         "--addons-postgres", cluster.url(database: "postgres")]
        let server = "http://127.0.0.1:\(apiPort)"
        let client = ["--server", server, "--data-dir", directory.url.path]
        let sources = directory.url.appendingPathComponent("sources")
        var survivors: [ProcessIdentity] = []
        defer { for process in survivors { process.signal(SIGKILL) } }

        let first = StartedProcess()
        let firstServing = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(120), started: first) }
        try await waitUntilServing(server)
        #expect(try await SlipwayBinary.run(["apps", "create", app] + client).status == 0)
        let source = try Self.source(in: sources, release: "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -c 'CREATE TABLE IF NOT EXISTS visits (n int)'")
        let inFlight = Task { try await SlipwayBinary.run(["deploy", "--app", app, "--dir", source.path] + client, timeout: .seconds(120)) }

        // Killed as soon as the role exists: the database is being made (or was just made), the deploy is not done.
        let servePID = try #require(first.pid)
        let caught = try await eventually(within: .seconds(60), every: .milliseconds(5)) {
            try await cluster.administer("SELECT rolname FROM pg_roles WHERE rolname = '\(resource)'") == [resource]
        }
        #expect(caught, "the role never appeared")
        survivors = ProcessIdentity.descendants(of: servePID)
        kill(servePID, SIGKILL)
        _ = try await firstServing.value
        #expect(try await inFlight.value.status != 0, "the deploy's client saw the service die")

        let second = StartedProcess()
        let secondServing = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(180), started: second) }
        try await waitUntilServing(server)
        #expect(try await eventually { survivors.allSatisfy { !$0.isAlive } },
                "processes of the killed instance survived: \(survivors.filter(\.isAlive))")
        // Nothing half-made serves: the interrupted deploy failed, and no release of the app runs.
        let releases = try #require(try await SlipwayBinary.run(["releases", "--app", app, "--json"] + client).json() as? [[String: Any]])
        #expect(releases.allSatisfy { $0["state"] as? String != "succeeded" }, "\(releases)")
        let answer: String? = try? await DeployTests.fetch(port: routerPort, host: "\(app).localhost")
        #expect(answer != "served", "a half-made app answered")

        // The next deploy completes the same database: its release phase writes through DATABASE_URL.
        let redeployed = try await SlipwayBinary.run(["deploy", "--app", app, "--dir", source.path] + client, timeout: .seconds(120))
        #expect(redeployed.status == 0, "\(redeployed.stderr)")
        #expect(try await eventually { try await DeployTests.fetch(port: routerPort, host: "\(app).localhost") == "served" })
        let visits = try await cluster.administer("SELECT count(*)::text FROM visits", database: resource)
        #expect(visits == ["0"], "the release phase made its table in the database: \(visits)")

        // Destroying the app drops its database and role, data included.
        #expect(try await SlipwayBinary.run(["apps", "destroy", "--app", app, "--confirm", app] + client).status == 0)
        #expect(try await cluster.administer("SELECT datname FROM pg_database WHERE datname LIKE '\(resource)%'").isEmpty)
        #expect(try await cluster.administer("SELECT rolname FROM pg_roles WHERE rolname LIKE '\(resource)%'").isEmpty)

        #expect(second.signal(SIGTERM), "the second serve had already exited")
        let stopped = try await secondServing.value
        #expect(stopped.status == 0, "\(stopped.stderr)")
    }

    /// The fixture web app answering "served", with the add-on and the given release command.
    static func source(in parent: URL, release: String) throws -> URL {
        let source = try DeployTests.fixture(in: parent, body: "served")
        try #"{"addons": ["heroku-postgresql"]}"#.write(to: source.appendingPathComponent("app.json"), atomically: true, encoding: .utf8)
        try "web: exec python3 server.py\nrelease: \(release)\n"
            .write(to: source.appendingPathComponent("Procfile"), atomically: true, encoding: .utf8)
        return source
    }
}
