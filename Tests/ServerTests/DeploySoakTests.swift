import Foundation
import SlipwayTestSupport
import Testing

/// A short `ci/soak --deploys` (ci/lib/soak_deploys.py): five changes — a deploy, a refused deploy, a scale, a config
/// release and a rollback, in an order drawn from the seed — through a real, sandboxed `slipway serve` while wrk, 5 s
/// requests and WebSockets run through its router. The script exits 0 only when no request failed, every WebSocket
/// ended cleanly and every switch was logged; without wrk or PyPI's websockets it fails (`ci/setup --tests`).
@Suite struct DeploySoakTests {
    @Test func fiveChangesUnderLoadDropNothing() async throws {
        let binary = try #require(SlipwayBinary.url, "the slipway executable is built by ci/test before the tests")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ci/lib/soak_deploys.py")
        // `timeout` ends a hung run with SIGTERM, which the script turns into its normal cleanup (serve stopped).
        let result = try OpenAPITests.run("/usr/bin/timeout", ["300", "python3", "-W", "ignore", script.path, binary.path,
                                                               "--changes", "5", "--seed", "20261207", "--connections", "8",
                                                               "--slow-streams", "2", "--websockets", "2", "--held-every", "0"])
        #expect(result.status == 0, "the deploy soak failed:\n\(result.output.suffix(6000))")
        #expect(result.output.contains("failures: 0"), "\(result.output.suffix(3000))")
        #expect(result.output.contains("healthy → switched (5 switches"), "\(result.output.suffix(3000))")
    }
}
