import Foundation
import PostgresTestSupport
import Testing
@testable import Store
import SlipwayModel

@Suite struct TokenTests {
    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256Hex.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hex.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hex.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Hex.hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 55 and 56 bytes straddle the padding boundary.
        #expect(SHA256Hex.hex(of: [UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256Hex.hex(of: [UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
    }

    @Test func digestsAreLowercaseHex() throws {
        let digest = TokenDigest(token: "abc")
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try TokenDigest(hex: digest.hex) == digest)
        #expect(throws: StoreError.self) { try TokenDigest(hex: "BA7816BF") }
        #expect(!String(describing: digest).contains(digest.hex))
    }

    @Test(arguments: StoreKind.allCases) func tokensAuthenticateUntilRevoked(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let secret = "slw_" + String(repeating: "7", count: 40)
            let token = try await store.createToken(name: name("admin"), token: secret)
            #expect(token.lastUsedAt == nil && !token.isRevoked)
            let seen = try await store.authenticate(token: secret)
            #expect(seen?.id == token.id && seen?.lastUsedAt != nil)
            #expect(try await store.authenticate(token: secret + "x") == nil)

            let duplicateName = await storeError { _ = try await store.createToken(name: name("admin"), token: "another-token-0123456789") }
            #expect(duplicateName?.code == .alreadyExists)
            let sameToken = await storeError { _ = try await store.createToken(name: name("ci"), token: secret) }
            #expect(sameToken?.code == .conflict)
            #expect(sameToken.map { !$0.message.contains(secret) } == true)
            await expectStoreError(.invalidValue) { _ = try await store.createToken(name: name("empty"), token: "") }

            // The last active admin token cannot be revoked: nothing could make another one.
            let last = await storeError { _ = try await store.revokeToken(name: name("admin")) }
            #expect(last?.code == .conflict && last?.message.contains("last admin token") == true, "\(String(describing: last))")
            #expect(try await store.authenticate(token: secret) != nil)
            _ = try await store.createToken(name: name("viewer"), token: "a-read-token-0123456789", scope: .read)
            #expect(await storeError { _ = try await store.revokeToken(name: name("admin")) }?.code == .conflict,
                    "a read token is no admin")
            _ = try await store.createToken(name: name("operator"), token: "an-operator-token-0123456789")

            let revoked = try await store.revokeToken(name: name("admin"))
            #expect(revoked.isRevoked)
            #expect(try await store.authenticate(token: secret) == nil)
            // The name is free again once revoked.
            _ = try await store.createToken(name: name("admin"), token: "a-fresh-admin-token-0123456789")
            #expect(try await store.tokens().map(\.name).filter { $0 == name("admin") }.count == 2)
        }
    }

    @Test func onlyTheDigestReachesTheDisk() async throws {
        try await withDataDirectory { directory in
            let secret = "slw_DoNotStoreMe_" + UUID().uuidString
            let store = try SQLiteStore(dataDirectory: directory)
            _ = try await store.createToken(name: name("admin"), token: secret)
            #expect(try await store.authenticate(token: secret) != nil)

            // Before closing (the token may sit in the WAL) and after (checkpointed into the main file).
            try expectAbsent(secret, present: TokenDigest(token: secret).hex, in: directory)
            try await store.close()
            try expectAbsent(secret, present: TokenDigest(token: secret).hex, in: directory)
        }
    }

    /// PostgreSQL: the token never even reaches the server (the digest is computed in the client); after a
    /// CHECKPOINT the cluster's files (tables and WAL) hold the digest and not the token.
    @Test func onlyTheDigestReachesThePostgresCluster() async throws {
        try await withStore(.postgres) { store in
            let secret = "slw_DoNotStoreMe_" + UUID().uuidString
            _ = try await store.createToken(name: name("admin"), token: secret)
            #expect(try await store.authenticate(token: secret) != nil)
            let cluster = try await PostgresTestCluster.shared()
            try await cluster.administer("CHECKPOINT")
            var bytes = Data()
            let files = FileManager.default.enumerator(at: cluster.dataDirectory, includingPropertiesForKeys: [.isRegularFileKey])
            while let file = files?.nextObject() as? URL {
                guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                      let content = try? Data(contentsOf: file) else { continue }
                #expect(content.range(of: Data(secret.utf8)) == nil, "the token itself was written to \(file.path)")
                bytes.append(content.range(of: Data(TokenDigest(token: secret).hex.utf8)) == nil ? Data() : Data([1]))
            }
            // The digest is there: proof that these are the files the store wrote to.
            #expect(!bytes.isEmpty)
        }
    }

    private func expectAbsent(_ secret: String, present digest: String, in directory: URL) throws {
        var bytes = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasPrefix(SQLiteStore.fileName) {
            bytes.append(try Data(contentsOf: directory.appendingPathComponent(file)))
        }
        #expect(!bytes.isEmpty)
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "the token itself was written to disk")
        // The digest is there: proof that these are the bytes the store wrote.
        #expect(bytes.range(of: Data(digest.utf8)) != nil)
    }
}
