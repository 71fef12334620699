import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import SlipwayTestSupport
import Testing

/// `ci/lib/github_contract_server.py`: a stand-in for GitHub's API that validates every body Slipway sends with
/// githubkit's request models (generated from GitHub's OpenAPI description) and answers like GitHub. It runs in
/// the venv `ci/setup --tests` makes; without it, starting fails (the tests fail, never skip).
final class GitHubContractServer: @unchecked Sendable {
    static let token = "ghp_contracttesttoken"
    static let appID = "4242"
    static var venvPython: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? home + "/.cache"
        return cache + "/slipway/githubkit-venv/bin/python"
    }

    let process: Process
    let port: Int
    let directory: URL
    var url: String { "http://127.0.0.1:\(port)" }

    /// One request the server received.
    struct Received: Decodable, Sendable {
        var method: String
        var path: String
        var time: Double
        /// `jwt`, `token`, `installation` or `none`.
        var auth: String
        var kind: String?
        var problems: [String]
        /// The status answered; nil while held.
        var answered: Int?
        var body: JSONValue?

        var sha: String? { kind == "status" ? path.split(separator: "/").last.map(String.init) : nil }
        var state: String? { body?["state"]?.string }
    }

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    static func start() async throws -> GitHubContractServer {
        let python = venvPython
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("githubkit's venv is missing at \(python): run ci/setup --tests")
            throw CancellationError()
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("github-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [BuiltSlipway.repositoryRoot.appendingPathComponent("ci/lib/github_contract_server.py").path,
                             "--port-file", portFile.path, "--token", token, "--app-id", appID]
        let log = directory.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<1200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return GitHubContractServer(process: process, port: port, directory: directory)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        process.terminate()
        Issue.record("the GitHub contract server did not start: \(said)")
        throw CancellationError()
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    func requests() async throws -> [Received] {
        let (data, _) = try await URLSession.shared.data(from: try #require(URL(string: "\(url)/_control/requests")))
        return try JSONDecoder().decode([Received].self, from: data)
    }

    /// The answers to give, per commit sha, in order: `["status": 401]`, `["status": 403, "headers": [...]]`,
    /// `["delay": 3]` (a hang past the client's timeout, then 201).
    func script(_ answers: [String: [[String: Any]]]) async throws {
        try await control("script", answers)
    }

    /// While holding, status requests are accepted and never answered (nor counted as answered).
    func hold(_ hold: Bool) async throws {
        try await control("hold", ["hold": hold])
    }

    private func control(_ name: String, _ body: Any) async throws {
        var request = URLRequest(url: try #require(URL(string: "\(url)/_control/\(name)")))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }
}

/// Any JSON value, for reading what the contract server recorded.
enum JSONValue: Decodable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
