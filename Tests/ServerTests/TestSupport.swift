import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import Testing

/// A data dir in a fresh temporary directory, with a real SQLite file and the admin token made the
/// way `serve` makes it.
struct TestDataDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("slipway-server-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func openStore() throws -> SQLiteStore { try SQLiteStore(dataDirectory: url) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A store over a temporary data dir, its admin token, and the API application over them.
struct TestService {
    let directory: TestDataDirectory
    let store: SQLiteStore
    let adminToken: String

    static func make(directory: TestDataDirectory? = nil) async throws -> TestService {
        let directory = try directory ?? TestDataDirectory()
        let store = try directory.openStore()
        let origin = try await AdminToken.bootstrap(store: store, dataDirectory: directory.url, environmentToken: nil)
        let token: String
        switch origin {
        case .generated(let generated, _): token = generated
        default: token = try #require(AdminToken.read(dataDirectory: directory.url))
        }
        return TestService(directory: directory, store: store, adminToken: token)
    }

    var application: some ApplicationProtocol {
        buildApplication(APIServerConfiguration(host: "127.0.0.1", port: 0), store: store)
    }

    func close() async throws {
        try await store.close()
    }

    /// Runs `body` against the application through HummingbirdTesting's router client, then closes the store
    /// and removes the data dir.
    static func withService(_ body: @Sendable (TestService, any TestClientProtocol) async throws -> Void) async throws {
        let service = try await make()
        defer { service.directory.remove() }
        try await service.application.test(.router) { client in
            try await body(service, client)
        }
        try await service.close()
    }
}

extension TestClientProtocol {
    /// A request with the bearer token and a JSON body.
    @discardableResult
    func api(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String?,
        json: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body decoded as JSON into `T` (dates ISO 8601).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(buffer: body))
    }

    /// The JSON error body: `id`, `message`, `field`.
    var error: ErrorBody? { try? decode(ErrorBody.self) }

    var text: String { String(buffer: body) }
}

struct ErrorBody: Decodable, Equatable {
    var id: String
    var message: String
    var field: String?
}
