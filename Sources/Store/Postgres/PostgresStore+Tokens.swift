import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func createToken(name: ResourceName, token: String, scope: TokenScope) async throws(StoreError) -> APIToken {
        // How strong a token must be is the service's policy; the store only refuses an empty one.
        try Validation.nonEmpty(token, field: "token")
        let digest = TokenDigest(token: token).hex
        let now = Date().storeMilliseconds
        let taken = StoreError.alreadyExists("a token named '\(name)'")
        let registered = StoreError(.conflict, "this token is already registered (under another name, or revoked); generate a new one")
        return try await write { db in
            if try await db.row("SELECT 1 FROM api_tokens WHERE name = \(name.rawValue) AND revoked_at IS NULL") != nil { throw taken }
            if try await db.row("SELECT 1 FROM api_tokens WHERE digest = \(digest)") != nil { throw registered }
            do {
                guard let row = try await db.row("""
                    INSERT INTO api_tokens (name, digest, scope, created_at) VALUES (\(name.rawValue), \(digest), \(scope.rawValue), \(now))
                    RETURNING \(unescaped: PostgresRows.token)
                    """)
                else { throw StoreError(.database, "the database returned no token") }
                return try PostgresRows.token(row)
            } catch let error where Self.isUniqueViolation(error, constraint: "api_tokens_live_name") {
                throw taken
            } catch let error where Self.isUniqueViolation(error, constraint: "api_tokens_digest") {
                throw registered
            }
        }
    }

    public func authenticate(digest: TokenDigest) async throws(StoreError) -> APIToken? {
        let now = Date().storeMilliseconds
        // As the SQLite store: a token used within the last minute is only read, not written again.
        let recent = try await read { db in
            try await db.row("""
                SELECT \(unescaped: PostgresRows.token) FROM api_tokens WHERE digest = \(digest.hex) AND revoked_at IS NULL
                """).map(PostgresRows.token)
        }
        guard let recent else { return nil }
        if let used = recent.lastUsedAt, now - used.storeMilliseconds < SQLiteStore.lastUsedResolutionMilliseconds { return recent }
        return try await write { db in
            try await db.row("""
                UPDATE api_tokens SET last_used_at = \(now) WHERE digest = \(digest.hex) AND revoked_at IS NULL
                RETURNING \(unescaped: PostgresRows.token)
                """).map(PostgresRows.token)
        }
    }

    public func tokens() async throws(StoreError) -> [APIToken] {
        try await read { db in
            try await db.rows("SELECT \(unescaped: PostgresRows.token) FROM api_tokens ORDER BY id").map(PostgresRows.token)
        }
    }

    public func revokeToken(name: ResourceName) async throws(StoreError) -> APIToken {
        let now = Date().storeMilliseconds
        return try await write { db in
            // Locks the active admin tokens, so two revocations at once cannot both see the other one left.
            let admins = try await db.rows("""
                SELECT name FROM api_tokens WHERE scope = 'admin' AND revoked_at IS NULL FOR UPDATE
                """).map { row -> String in try row.decode("name") }
            if admins == [name.rawValue] { throw StoreError.lastAdminToken(name) }
            guard let row = try await db.row("""
                UPDATE api_tokens SET revoked_at = \(now) WHERE name = \(name.rawValue) AND revoked_at IS NULL
                RETURNING \(unescaped: PostgresRows.token)
                """)
            else { throw StoreError.notFound("token '\(name)'") }
            return try PostgresRows.token(row)
        }
    }
}
