import Foundation
import Testing
@testable import Store
import SlipwayModel

/// `lastUsedAt` is stamped at most once a minute: a token used again soon after only reads the database.
@Suite struct TokenLastUsedTests {
    @Test(arguments: StoreKind.allCases) func aTokenUsedAgainWithinAMinuteIsNotWrittenAgain(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let secret = "slw_" + String(repeating: "8", count: 40)
            _ = try await store.createToken(name: name("dashboard"), token: secret)
            _ = try await store.createToken(name: name("operator"), token: "an-operator-token-0123456789")
            let first = try #require(try await store.authenticate(token: secret)?.lastUsedAt)
            try await Task.sleep(for: .milliseconds(20))
            let second = try #require(try await store.authenticate(token: secret)?.lastUsedAt)
            #expect(second == first, "the second use within a minute must not write")
            // A revoked token is refused at once, whatever its last use.
            _ = try await store.revokeToken(name: name("dashboard"))
            #expect(try await store.authenticate(token: secret) == nil)
        }
    }
}
