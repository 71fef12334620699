/// API tokens, kept only as SHA-256 digests.
public protocol TokenStore: Sendable {
    /// Registers `token` under `name`, storing only its digest. Throws `alreadyExists` when a token that is
    /// not revoked has that name, `conflict` when the same token is registered already (the message never
    /// shows the token).
    func createToken(name: ResourceName, token: String, scope: TokenScope) async throws(StoreError) -> APIToken

    /// The live (not revoked) token with that digest, with its `lastUsedAt` stamped (at most once a minute, so
    /// frequent requests only read); nil when none matches.
    func authenticate(digest: TokenDigest) async throws(StoreError) -> APIToken?

    /// Every token, revoked ones included, oldest first.
    func tokens() async throws(StoreError) -> [APIToken]

    /// Revokes the live token named `name`; throws `notFound` when there is none.
    func revokeToken(name: ResourceName) async throws(StoreError) -> APIToken
}

extension TokenStore {
    /// Registers an `admin` token.
    public func createToken(name: ResourceName, token: String) async throws(StoreError) -> APIToken {
        try await createToken(name: name, token: token, scope: .admin)
    }

    /// Hashes `token` and looks it up (see `authenticate(digest:)`).
    public func authenticate(token: String) async throws(StoreError) -> APIToken? {
        try await authenticate(digest: TokenDigest(token: token))
    }
}
