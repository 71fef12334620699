import Foundation
import SlipwayTestSupport
import Testing

/// The Python harnesses under `ci/lib/` that drive a real `slipway serve` (schemathesis, the soaks), run by the
/// tests in short versions so they cannot rot: `python3 ci/lib/<script> <built slipway> ARGUMENTS`.
enum CILibScript {
    static func run(_ script: String, _ arguments: [String], timeoutSeconds: Int? = nil) throws -> (status: Int32, output: String) {
        let binary = try #require(SlipwayBinary.url, "the slipway executable is built by ci/test before the tests")
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ci/lib/\(script)").path
        let command = ["python3", "-W", "ignore", path, binary.path] + arguments
        // `timeout` ends a hung run with SIGTERM, which the scripts turn into their normal cleanup (serve stopped).
        if let timeoutSeconds { return try OpenAPITests.run("/usr/bin/timeout", [String(timeoutSeconds)] + command) }
        return try OpenAPITests.run("/usr/bin/env", command)
    }
}
