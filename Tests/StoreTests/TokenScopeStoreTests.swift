import Foundation
import GRDB
import SlipwayModel
@testable import Store
import Testing

/// Migrations `v5-token-scopes` and `v7-worker-tokens`: tokens made before scopes existed become `admin`, a
/// version-6 file's tokens keep their ids and scopes when the table is rebuilt for `worker`, and a token's scope
/// survives a restart on both stores.
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

    @Test func aVersion6FilesTokensKeepTheirIdsAndScopesAndMayBeWorkers() async throws {
        try await withDataDirectory { directory in
            let path = directory.appendingPathComponent(SQLiteStore.fileName).path
            let pool = try DatabasePool(path: path)
            var v6 = DatabaseMigrator()
            for migration in Migrations.registered.prefix(6) { v6.registerMigration(migration.identifier, migrate: migration.migrate) }
            try v6.migrate(pool)
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO api_tokens (name, digest, created_at, scope) VALUES ('gone', '\(String(repeating: "c", count: 64))', 0, 'admin');
                    INSERT INTO api_tokens (name, digest, created_at, scope, revoked_at) VALUES ('old', '\(String(repeating: "a", count: 64))', 0, 'read', 5);
                    INSERT INTO api_tokens (name, digest, created_at, scope) VALUES ('bot', '\(String(repeating: "b", count: 64))', 0, 'deploy');
                    DELETE FROM api_tokens WHERE name = 'gone';
                    """)
                // Version 6 refuses a worker token.
                #expect(throws: DatabaseError.self) {
                    try db.execute(sql: "INSERT INTO api_tokens (name, digest, created_at, scope) VALUES ('w', 'dd', 0, 'worker')")
                }
            }
            try pool.close()

            let store = try SQLiteStore(dataDirectory: directory)
            let tokens = try await store.tokens()
            #expect(tokens.map(\.name.rawValue) == ["old", "bot"] && tokens.map(\.scope) == [.read, .deploy])
            #expect(tokens.map(\.id) == [2, 3], "ids survive the rebuilt table")
            #expect(tokens.first?.revokedAt != nil)
            _ = try await store.createToken(name: name("runner"), token: "slw_worker-token", scope: .worker)
            #expect(try await store.tokens().last?.id == 4, "AUTOINCREMENT never reuses an id")
            await #expect(throws: StoreError.self) {
                _ = try await store.createToken(name: name("bot"), token: "slw_another", scope: .read)
            }
            try await store.close()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTokensScopeSurvivesARestart(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let store = try await location.open()
            _ = try await store.createToken(name: name("viewer"), token: "slw_viewer-token", scope: .read)
            _ = try await store.createToken(name: name("bot"), token: "slw_bot-token", scope: .deploy)
            _ = try await store.createToken(name: name("runner-1"), token: "slw_worker-token", scope: .worker)
            try await store.close()
            let reopened = try await location.open()
            #expect(try await reopened.tokens().map(\.scope) == [.read, .deploy, .worker])
            #expect(try await reopened.authenticate(token: "slw_worker-token")?.scope == .worker)
            #expect(try await reopened.authenticate(token: "slw_bot-token")?.scope == .deploy)
            try await reopened.close()
        }
    }
}
