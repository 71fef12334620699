import Foundation
import GRDB
import SlipwayModel
@testable import Store
import Testing

/// Migration `v5-token-scopes`: tokens made before scopes existed become `admin`, and a token's scope survives
/// a restart on both stores.
@Suite struct TokenScopeStoreTests {
    @Test func aVersion4FilesTokensBecomeAdmin() async throws {
        try await withDataDirectory { directory in
            let path = directory.appendingPathComponent(SQLiteStore.fileName).path
            // Made exactly as Slipway with migrations up to `v4-fork-approvals` made it.
            let pool = try DatabasePool(path: path)
            var v4 = DatabaseMigrator()
            for migration in Migrations.registered.prefix(4) { v4.registerMigration(migration.identifier, migrate: migration.migrate) }
            try v4.migrate(pool)
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO api_tokens (name, digest, created_at) VALUES ('old-ci', '\(String(repeating: "a", count: 64))', 0);
                    """)
            }
            try pool.close()

            let store = try SQLiteStore(dataDirectory: directory)
            #expect(try await store.tokens().map(\.scope) == [.admin])
            try await store.close()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTokensScopeSurvivesARestart(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let store = try await location.open()
            _ = try await store.createToken(name: name("viewer"), token: "slw_viewer-token", scope: .read)
            _ = try await store.createToken(name: name("bot"), token: "slw_bot-token", scope: .deploy)
            try await store.close()
            let reopened = try await location.open()
            #expect(try await reopened.tokens().map(\.scope) == [.read, .deploy])
            #expect(try await reopened.authenticate(token: "slw_bot-token")?.scope == .deploy)
            try await reopened.close()
        }
    }
}
