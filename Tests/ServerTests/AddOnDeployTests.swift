import AddOns
import Foundation
import HummingbirdTesting
import Orchestration
import Server
import SlipwayModel
import SlipwayTestSupport
import Store
import Testing

/// An app whose app.json declares `heroku-postgresql`, deployed through the API with real dynos: its database
/// exists before the release phase (which creates a table through `DATABASE_URL` with psql), and an add-on
/// Slipway does not run is a warning in the app's log and on its dashboard page while the app still deploys.
@Suite(.serialized)
struct AddOnDeployTests {
    @Test func theReleasePhaseMigratesItsOwnDatabaseOnTheFirstDeploy() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let provisioner = try AddOnProvisioner(AddOnConfiguration(
            directory: service.directory.url.appendingPathComponent("addons"), durable: false))
        let runtime = try await TestRuntime.start(service, addons: provisioner)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        let source = try DeployTests.fixture(in: service.directory.url.appendingPathComponent("sources"), body: "hello")
        try #"{"addons": ["heroku-postgresql", "papertrail"]}"#.write(to: source.appendingPathComponent("app.json"), atomically: true, encoding: .utf8)
        try """
            web: exec python3 server.py
            release: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -c 'CREATE TABLE visits (n int); INSERT INTO visits VALUES (42)'
            """.write(to: source.appendingPathComponent("Procfile"), atomically: true, encoding: .utf8)
        do {
            try await app.test(.router) { client in
                let token = service.adminToken
                try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop"}"#)
                let deployed = try await client.api(.post, "/api/v1/apps/shop/deploys", token: token, json: #"{"directory":"\#(source.path)"}"#)
                #expect(deployed.status == .created, "\(deployed.text)")
                let result = try deployed.decode(DeployResultResource.self)
                #expect(result.succeeded, "\(result.reason ?? "") \(result.output ?? "")")

                let attached = try await provisioner.list(app: "shop")
                let database = try #require(attached.first { $0.kind == .postgres })
                let rows = try Self.psql(database.url, "SELECT n FROM visits")
                #expect(rows == "42", "the release phase wrote through DATABASE_URL")
                let logs = try await client.api(.get, "/api/v1/apps/shop/logs?lines=200", token: token).text
                #expect(logs.contains("papertrail"), "an add-on Slipway does not run is named in the app's log")
                #expect(!logs.contains(database.url), "the database URL never reaches the log")

                // The dashboard's app page: the database with its state, its URL masked, and the warning.
                let page = try await client.execute(uri: "/apps/shop", method: .get, headers: [.authorization: "Bearer \(token)"]).text
                #expect(page.contains(#"id="addons""#) && page.contains("<code>slipway_addon_shop</code>"), "\(page)")
                #expect(page.contains(database.maskedURL.replacingOccurrences(of: "&", with: "&amp;")), "\(page)")
                #expect(!page.contains(database.url), "no credential on the page")
                #expect(page.contains(#"add-on &quot;papertrail&quot; is not provided by Slipway"#) || page.contains(#"add-on "papertrail" is not provided"#), "\(page)")

                // GET /apps/{app}/addons: masked by default; revealed only for a deploy (or admin) token.
                let listed = try await client.api(.get, "/api/v1/apps/shop/addons", token: token).decode([AddOnResource].self)
                #expect(listed.map(\.service) == ["heroku-postgresql"] && listed.first?.state == "available")
                #expect(listed.first?.url.contains("••••") == true && listed.first?.url != database.url)
                let revealed = try await client.api(.get, "/api/v1/apps/shop/addons?reveal=true", token: token).decode([AddOnResource].self)
                #expect(revealed.first?.url == database.url)
                let viewer = try await client.api(.post, "/api/v1/tokens", token: token, json: #"{"name":"viewer","scope":"read"}"#)
                    .decode(CreatedTokenResource.self).token
                #expect(try await client.api(.get, "/api/v1/apps/shop/addons", token: viewer).status == .ok)
                #expect(try await client.api(.get, "/api/v1/apps/shop/addons?reveal=true", token: viewer).status == .forbidden)

                // Deleting the app drops its database, data included.
                #expect(try await client.api(.delete, "/api/v1/apps/shop", token: token).status == .noContent)
                #expect(try await provisioner.list(app: "shop").isEmpty)
            }
        } catch {
            try? await runtime.shutdown()
            await provisioner.stop()
            throw error
        }
        try await runtime.shutdown()
        await provisioner.stop()
    }

    @Test func aServerThatIsDownFailsTheDeployAndThePreviousReleaseKeepsServing() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        // An external PostgreSQL nobody listens for, with a password that must not appear anywhere.
        let deadPort = try freeLoopbackPort()
        let provisioner = try AddOnProvisioner(AddOnConfiguration(
            directory: service.directory.url.appendingPathComponent("addons"),
            postgres: .external("postgres://admin:admin-secret-77@127.0.0.1:\(deadPort)/postgres"), durable: false))
        let runtime = try await TestRuntime.start(service, addons: provisioner)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        let sources = service.directory.url.appendingPathComponent("sources")
        let stable = try DeployTests.fixture(in: sources, body: "stable v1")
        let withDatabase = try DeployTests.fixture(in: sources, body: "never served")
        try #"{"addons": ["heroku-postgresql"]}"#.write(to: withDatabase.appendingPathComponent("app.json"), atomically: true, encoding: .utf8)
        do {
            try await app.test(.router) { client in
                let token = service.adminToken
                try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop"}"#)
                let first = try await client.api(.post, "/api/v1/apps/shop/deploys", token: token, json: #"{"directory":"\#(stable.path)"}"#)
                #expect(try first.decode(DeployResultResource.self).succeeded, "\(first.text)")
                let second = try await client.api(.post, "/api/v1/apps/shop/deploys", token: token, json: #"{"directory":"\#(withDatabase.path)"}"#)
                #expect(!second.text.contains("admin-secret-77"), "no admin password in the answer")
                let result = try second.decode(DeployResultResource.self)
                #expect(!result.succeeded)
                #expect(result.reason?.contains("cannot provision the app's add-ons") == true, "\(result.reason ?? "")")
                #expect(try await DeployTests.fetch(port: runtime.routerPort, host: "shop.localhost") == "stable v1",
                        "the previous release keeps serving")
                let logs = try await client.api(.get, "/api/v1/apps/shop/logs?lines=200", token: token).text
                #expect(!logs.contains("admin-secret-77"))
            }
        } catch {
            try? await runtime.shutdown()
            await provisioner.stop()
            throw error
        }
        try await runtime.shutdown()
        await provisioner.stop()
    }

    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-tAc", sql]
        let capture = try OutputFiles()
        defer { capture.remove() }
        process.standardOutput = try capture.stdoutHandle()
        process.standardError = try capture.stderrHandle()
        try process.run()
        process.waitUntilExit()
        return capture.texts().0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
