import Foundation

/// `slipway serve` running in the background, its output in a file; stopped with SIGTERM.
final class ServeProcess: Sendable {
    private let process: Process
    private let log: URL

    init(binary: URL, environment: [String: String], arguments: [String], log: URL) throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        self.process = process
        self.log = log
    }

    var isRunning: Bool { process.isRunning }

    func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Starts `slipway <arguments>` with `environment` added to this process's, waits until the API at
    /// `apiPort` answers `/healthz` (or the process exits), and says which.
    static func start(binary: URL, environment: [String: String], arguments: [String], apiPort: Int, log: URL) async throws -> ServeProcess {
        let serve = try ServeProcess(binary: binary, environment: environment, arguments: arguments, log: log)
        try await waitUntil(timeout: .seconds(60), "serve to answer") {
            (try? run("curl", ["-sf", "http://127.0.0.1:\(apiPort)/healthz"])) != nil || !serve.isRunning
        }
        guard serve.isRunning else {
            throw TestClientError(description: "serve exited: \(serve.output().suffix(3000))")
        }
        return serve
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
