import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func createToken(name: ResourceName, token: String, scope: TokenScope) async throws(StoreError) -> APIToken {
        // How strong a token must be is the service's policy; the store only refuses an empty one.
        try Validation.nonEmpty(token, field: "token")
        let row = TokenRow(
            id: nil, name: name.rawValue, digest: TokenDigest(token: token).hex, scope: scope.rawValue,
            createdAt: Date().storeMilliseconds, lastUsedAt: nil, revokedAt: nil)
        return try await write { db in
            if try TokenRow.filter(Column("name") == name.rawValue && Column("revoked_at") == nil).fetchCount(db) > 0 {
                throw StoreError.alreadyExists("a token named '\(name)'")
            }
            if try TokenRow.filter(Column("digest") == row.digest).fetchCount(db) > 0 {
                throw StoreError(.conflict,
                    "this token is already registered (under another name, or revoked); generate a new one")
            }
            try row.insert(db)
            var stored = row
            stored.id = db.lastInsertedRowID
            return try stored.value()
        }
    }

    public func authenticate(digest: TokenDigest) async throws(StoreError) -> APIToken? {
        let now = Date().storeMilliseconds
        let lookup = TokenRow.filter(Column("digest") == digest.hex && Column("revoked_at") == nil)
        // Most requests come from a token used a moment ago: read only, so a dashboard that refreshes every
        // few seconds does not write to the database each time.
        let recent = try await read { db in try lookup.fetchOne(db) }
        guard let recent else { return nil }
        if let used = recent.lastUsedAt, now - used < Self.lastUsedResolutionMilliseconds { return try Self.value(recent) }
        return try await write { db in
            guard var row = try lookup.fetchOne(db) else { return nil }
            row.lastUsedAt = now
            try row.update(db)
            return try row.value()
        }
    }

    /// `lastUsedAt` is stamped at most this often per token.
    static let lastUsedResolutionMilliseconds: Int64 = 60_000

    private static func value(_ row: TokenRow) throws(StoreError) -> APIToken {
        do { return try row.value() } catch { throw StoreError(.database, "a stored token is unreadable: \(error)") }
    }

    public func tokens() async throws(StoreError) -> [APIToken] {
        try await read { db in try TokenRow.order(Column("id")).fetchAll(db).map { try $0.value() } }
    }

    public func revokeToken(name: ResourceName) async throws(StoreError) -> APIToken {
        let now = Date().storeMilliseconds
        return try await write { db in
            guard var row = try TokenRow.filter(Column("name") == name.rawValue && Column("revoked_at") == nil).fetchOne(db)
            else { throw StoreError.notFound("token '\(name)'") }
            let otherAdmins = try TokenRow.filter(Column("scope") == TokenScope.admin.rawValue && Column("revoked_at") == nil
                                                  && Column("name") != name.rawValue).fetchCount(db)
            if row.scope == TokenScope.admin.rawValue && otherAdmins == 0 { throw StoreError.lastAdminToken(name) }
            row.revokedAt = now
            try row.update(db)
            return try row.value()
        }
    }
}
