import Foundation
import SlipwayModel
import GRDB

/// A token as stored: its digest, never the token.
struct TokenRow: StoreRecord {
    static let databaseTableName = "api_tokens"

    var id: Int64?
    var name: String
    var digest: String
    var scope: String
    var createdAt: Int64
    var lastUsedAt: Int64?
    var revokedAt: Int64?

    func value() throws -> APIToken {
        APIToken(
            id: id ?? 0,
            name: try storedName(name),
            scope: try storedEnum(scope, TokenScope.self),
            createdAt: Date(storeMilliseconds: createdAt),
            lastUsedAt: lastUsedAt.map(Date.init(storeMilliseconds:)),
            revokedAt: revokedAt.map(Date.init(storeMilliseconds:)))
    }
}
