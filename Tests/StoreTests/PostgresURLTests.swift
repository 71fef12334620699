import Foundation
import PostgresTestSupport
import Testing
@testable import Store
import SlipwayModel

/// `--database` URLs: what is taken from them, what is refused, and that no message or description shows the
/// password.
@Suite struct PostgresURLTests {
    @Test func partsArePercentDecodedAndThePasswordIsRedacted() throws {
        let url = try PostgresURL("postgres://slip%40way:p%40ss%2Fw0rd@db.internal:6543/slip%20db?sslmode=require&pool_max=5")
        #expect(url.user == "slip@way" && url.password == "p@ss/w0rd")
        #expect(url.host == "db.internal" && url.port == 6543 && url.database == "slip db")
        #expect(url.tls == .require && url.maximumConnections == 5 && url.socketPath == nil)
        #expect(url.redacted == "postgres://slip%40way:***@db.internal:6543/slip db")
        #expect(!"\(url)".contains("p@ss") && !"\(url)".contains("w0rd"))

        let defaults = try PostgresURL("postgresql://u@localhost/db")
        #expect(defaults.port == 5432 && defaults.tls == .prefer && defaults.password == nil && defaults.maximumConnections == 20)
        #expect(defaults.redacted == "postgres://u@localhost:5432/db")

        let socket = try PostgresURL("postgres://u:pw@/db?host=/var/run/postgresql")
        #expect(socket.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(socket.redacted == "postgres://u:***@/db?host=/var/run/postgresql/.s.PGSQL.5432")
        #expect(try PostgresURL("postgres://u@/db?host=/tmp/x/.s.PGSQL.6000").socketPath == "/tmp/x/.s.PGSQL.6000")
    }

    @Test func badURLsAreRefusedWithoutThePassword() {
        let bad = [
            "mysql://u:s3cret@h/db", "postgres://u:s3cret@h", "postgres://u:s3cret@h/", "postgres://:s3cret@h/db",
            "postgres://u:s3cret@h:0/db", "postgres://u:s3cret@h/db?sslmode=verify-full", "postgres://u:s3cret@h/db?pool_max=0",
            "postgres://u:s3cret@h/db?options=x", "postgres://u:s3cret@/db", "postgres://u:s3cret@/db?host=relative",
            "postgres://u:s3cret@h/a/b",
        ]
        for text in bad {
            do {
                _ = try PostgresURL(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.code == .invalidValue && error.field == "database", "\(text): \(error)")
                #expect(!error.message.contains("s3cret"), "\(text): \(error.message)")
            }
        }
        #expect((try? StoreDatabase(nil)) == .sqlite)
        #expect((try? StoreDatabase("sqlite:")) == .sqlite)
        #expect(throws: StoreError.self) { try StoreDatabase("mysql://u:s3cret@h/db") }
    }

    @Test func redactionCoversPasswordsWithSlashesAndAts() {
        #expect(redactCredentials(in: "cannot reach postgres://u:p/a@ss@h:5432/db now") == "cannot reach postgres://***@h:5432/db now")
        #expect(redactCredentials(in: "no url here") == "no url here")
    }

    /// The default `sslmode=prefer` falls back to plain TCP on a server without TLS (the test cluster), and a
    /// Unix socket (`?host=`) works as well as TCP.
    @Test func preferredTLSAndUnixSocketsConnect() async throws {
        try await withStoreLocation(.postgres) { location in
            let cluster = try await PostgresTestCluster.shared()
            let database = try #require(location.database)
            for text in [
                "postgres://postgres:\(cluster.password)@127.0.0.1:\(cluster.port)/\(database)",
                "postgres://postgres:\(cluster.password)@/\(database)?host=\(cluster.directory.path)/.s.PGSQL.\(cluster.port)",
            ] {
                let url = try PostgresURL(text)
                #expect(url.tls == .prefer)
                let store = try await PostgresStore.connect(url)
                _ = try await store.createPipeline(Pipeline(name: name("p\(url.socketPath == nil ? "tcp" : "unix")"), repository: "/r"))
                try await store.close()
            }
            let store = try await location.open()
            #expect(try await store.pipelines().map(\.name.rawValue) == ["ptcp", "punix"])
            try await store.close()
        }
    }
}
