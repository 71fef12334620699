import Foundation
import SlipwayModel
import Store

/// An API token as the API lists it: never the token itself.
public struct TokenResource: Codable, Sendable, Equatable {
    public var name: String
    /// `read`, `deploy`, `admin` or `worker`.
    public var scope: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case name, scope
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    init(_ token: APIToken) {
        name = token.name.rawValue
        scope = token.scope.rawValue
        createdAt = token.createdAt
        lastUsedAt = token.lastUsedAt
        revokedAt = token.revokedAt
    }
}

/// The answer to `POST /tokens`: the only time the token itself is shown.
public struct CreatedTokenResource: Codable, Sendable, Equatable {
    public var name: String
    public var scope: String
    public var token: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case name, scope, token
        case createdAt = "created_at"
    }
}
