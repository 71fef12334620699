import Foundation
import Testing

/// `serve --database postgres://…` is refused before anything is opened: PostgreSQL is not supported yet.
@Suite(.enabled(if: SlipwayBinary.url != nil, "needs the slipway executable built beside the tests"))
struct ServeDatabaseOptionTests {
    @Test func aPostgresURLIsRefusedNamingTheFlagAndSQLite() async throws {
        let parent = try TestDataDirectory()
        defer { parent.remove() }
        let dataDir = parent.url.appendingPathComponent("data")
        for url in ["postgres://slipway:s3cret-pass@db.internal/slipway", "postgresql://db/slipway", "mysql://db"] {
            let result = try await SlipwayBinary.run(["serve", "--data-dir", dataDir.path, "--database", url])
            #expect(result.status == 2, "\(url): \(result.stderr)")
            #expect(result.stderr.contains("--database"), "\(result.stderr)")
            #expect(result.stderr.contains("SQLite is the supported store"), "\(result.stderr)")
            #expect(!result.stderr.contains("s3cret-pass") && !result.stdout.contains("s3cret-pass"), "the URL's password was echoed")
            #expect(!FileManager.default.fileExists(atPath: dataDir.path), "a refused serve created the data dir")
        }
        let postgres = try await SlipwayBinary.run(["serve", "--data-dir", dataDir.path, "--database", "postgres://db/x"])
        #expect(postgres.stderr.contains("PostgreSQL is not supported yet"), "\(postgres.stderr)")
    }
}
