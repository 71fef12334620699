import Foundation
import Server
import SlipwayModel
import Store
import Testing

@Suite struct AdminTokenTests {
    @Test func aGeneratedTokenIsWrittenPrivatelyAndStoredOnlyHashed() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let store = try directory.openStore()
        let origin = try await AdminToken.bootstrap(store: store, dataDirectory: directory.url, environmentToken: nil)
        guard case .generated(let token, let file) = origin else {
            Issue.record("expected a generated token, got \(origin)")
            return
        }
        #expect(token.hasPrefix(TokenGenerator.prefix) && token.count == TokenGenerator.prefix.count + 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(AdminToken.read(dataDirectory: directory.url) == token)
        #expect(try await store.authenticate(token: token)?.name.rawValue == AdminToken.name)
        try await store.close()

        // Neither the database nor its WAL holds the token in plain text.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.hasPrefix(SQLiteStore.fileName) }
        #expect(!files.isEmpty)
        for name in files {
            let bytes = try Data(contentsOf: directory.url.appendingPathComponent(name))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "\(name) contains the token")
        }

        let reopened = try directory.openStore()
        #expect(try await AdminToken.bootstrap(store: reopened, dataDirectory: directory.url, environmentToken: nil) == .existing)
        #expect(AdminToken.read(dataDirectory: directory.url) == token)
        try await reopened.close()
    }

    @Test func slipwayTokenBecomesTheAdminTokenWithoutAFile() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let store = try directory.openStore()
        let origin = try await AdminToken.bootstrap(store: store, dataDirectory: directory.url, environmentToken: "from-the-environment-1234")
        #expect(origin == .environment)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(AdminToken.fileName).path))
        #expect(try await store.authenticate(token: "from-the-environment-1234") != nil)
        try await store.close()
    }

    @Test func generatedTokensDiffer() {
        let tokens = Set((0..<50).map { _ in TokenGenerator.generate() })
        #expect(tokens.count == 50)
    }
}
