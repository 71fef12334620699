import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import PostgresTestSupport
import SlipwayTestSupport
import Testing

/// `serve --database`: a PostgreSQL URL runs the whole service on PostgreSQL (the state outlives the process, no
/// SQLite file appears); a bad URL is refused with exit 2 before anything is opened; a database that cannot be
/// reached or refuses the login stops `serve` with a message that names the server. No message ever shows the
/// URL's password.
@Suite
struct ServeDatabaseOptionTests {
    @Test func aBadDatabaseURLIsRefusedWithoutEchoingThePassword() async throws {
        let parent = try TestDataDirectory()
        defer { parent.remove() }
        let dataDir = parent.url.appendingPathComponent("data")
        let cases = [
            ("mysql://slipway:s3cret-pass@db.internal/slipway", "expected postgres://"),
            ("postgres://slipway:s3cret-pass@db.internal", "names no database"),
            ("postgres://slipway:s3cret-pass@db.internal:99999/slipway", "the port must be between 1 and 65535"),
            ("postgresql://slipway:s3cret-pass@db.internal/slipway?sslmode=maybe", "sslmode is disable, prefer or require"),
            ("postgres://:s3cret-pass@db.internal/slipway", "names no user"),
        ]
        for (url, problem) in cases {
            let result = try await SlipwayBinary.run(["serve", "--data-dir", dataDir.path, "--database", url])
            #expect(result.status == 2, "\(url): \(result.stderr)")
            #expect(result.stderr.contains("--database"), "\(result.stderr)")
            #expect(result.stderr.contains(problem), "\(url): \(result.stderr)")
            #expect(!result.stderr.contains("s3cret-pass") && !result.stdout.contains("s3cret-pass"), "the URL's password was echoed")
            #expect(!FileManager.default.fileExists(atPath: dataDir.path), "a refused serve created the data dir")
        }
    }

    @Test func routerTimeoutsOutOfRangeAreRefused() async throws {
        let parent = try TestDataDirectory()
        defer { parent.remove() }
        let dataDir = parent.url.appendingPathComponent("data")
        for (flag, value) in [("--header-timeout", "0"), ("--keep-alive-timeout", "3601"), ("--header-timeout", "-5")] {
            let result = try await SlipwayBinary.run(["serve", "--data-dir", dataDir.path, "\(flag)=\(value)"])
            #expect(result.status == 2, "\(flag) \(value): \(result.stderr)")
            #expect(result.stderr.contains("\(flag) must be between 1 and 3600 seconds"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dataDir.path), "a refused serve created the data dir")
        }
    }

    @Test func anUnreachableOrRefusingDatabaseStopsServeWithoutThePassword() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let nobody = try freeLoopbackPort()
        let unreachable = try await SlipwayBinary.run(
            ["serve", "--data-dir", directory.url.path, "--api-port", "\(try freeLoopbackPort())",
             "--database", "postgres://slipway:s3cret-pass@127.0.0.1:\(nobody)/slipway?sslmode=disable"])
        #expect(unreachable.status == 1, "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("cannot connect to PostgreSQL at postgres://slipway:***@127.0.0.1:\(nobody)/slipway"),
                "\(unreachable.stderr)")
        #expect(!unreachable.stderr.contains("s3cret-pass") && !unreachable.stdout.contains("s3cret-pass"))

        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.makeDatabase()
        let refused = try await SlipwayBinary.run(
            ["serve", "--data-dir", directory.url.path, "--api-port", "\(try freeLoopbackPort())",
             "--database", cluster.url(database: database, password: "s3cret-pass")])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("password authentication failed"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("s3cret-pass") && !refused.stdout.contains("s3cret-pass"))
        #expect(!refused.stderr.contains(cluster.password))
        try await cluster.dropDatabase(database)
    }

    /// The whole service on PostgreSQL: it starts, answers, stores an app there (not in a SQLite file), stops
    /// on SIGTERM, and a second start on the same database finds the app and prints no new admin token.
    @Test func serveRunsOnPostgres() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.makeDatabase()
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let url = cluster.url(database: database)
        let arguments = ["serve", "--data-dir", directory.url.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
                         "--poll-seconds", "0", "--database", url]
        let server = "http://127.0.0.1:\(apiPort)"
        let client = ["--server", server, "--data-dir", directory.url.path]

        for round in 1...2 {
            let started = StartedProcess()
            let serving = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(60), started: started) }
            try await waitUntilHealthy(URL(string: "\(server)/healthz")!, serving: serving)
            if round == 1 {
                let created = try await SlipwayBinary.run(["apps", "create", "kept", "--json"] + client)
                #expect(created.status == 0, "\(created.stderr)")
            }
            let listed = try await SlipwayBinary.run(["apps", "--json"] + client)
            #expect((try listed.json() as? [[String: Any]])?.map { $0["name"] as? String } == ["kept"], "\(listed.stderr)")
            // The app is in PostgreSQL, and serve made no SQLite file.
            #expect(try await cluster.administer("SELECT name FROM apps", database: database) == ["kept"])
            #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("slipway.sqlite").path))

            #expect(started.signal(SIGTERM), "the service had already exited")
            let result = try await serving.value
            #expect(result.status == 0, "serve exited \(result.status): \(result.stderr)")
            #expect(result.stdout.contains("state in PostgreSQL postgres://postgres:***@127.0.0.1:\(cluster.port)/\(database)"), "\(result.stdout)")
            #expect(result.stdout.contains("admin token") == (round == 1), "\(result.stdout)")
            #expect(!result.stdout.contains(cluster.password) && !result.stderr.contains(cluster.password))
        }
        // Both runs closed their connections: the database can be dropped without forcing anyone out.
        try await cluster.administer("DROP DATABASE \(database)")
    }

    private func waitUntilHealthy(_ url: URL, serving: Task<SlipwayBinary.Result, any Error>) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        serving.cancel()
        Issue.record("serve did not answer /healthz within 30 s")
        throw CancellationError()
    }
}
