import Foundation

/// What the store knows about an API token. The token itself is never stored or returned: only its
/// SHA-256 digest is kept, and that stays inside the store.
public struct APIToken: Sendable, Codable, Equatable, Identifiable {
    /// Assigned by the store.
    public var id: Int64
    public var name: ResourceName
    /// What it may do; tokens made before scopes existed are `admin`.
    public var scope: TokenScope
    public var createdAt: Date
    /// When the token last authenticated a request (updated by `authenticate(token:)`).
    public var lastUsedAt: Date?
    /// When the token was revoked; a revoked token authenticates nothing.
    public var revokedAt: Date?

    public init(id: Int64, name: ResourceName, scope: TokenScope = .admin, createdAt: Date, lastUsedAt: Date? = nil,
                revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.scope = scope
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// The SHA-256 of a token, in lowercase hex: the only form in which a token is stored.
public struct TokenDigest: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    /// Hashes `token`.
    public init(token: String) {
        hex = SHA256Hex.hex(of: Array(token.utf8))
    }

    /// A digest already computed elsewhere: 64 lowercase hex characters.
    public init(hex: String) throws(StoreError) {
        let valid = hex.utf8.count == 64 && hex.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
        }
        guard valid else { throw StoreError.invalidValue("token digest", "expected 64 lowercase hex characters") }
        self.hex = hex
    }

    /// Deliberately vague: a digest is not a secret, but there is no reason to print it either.
    public var description: String { "TokenDigest(…)" }
}
