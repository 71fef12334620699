import Foundation
import Testing

/// A short `ci/soak --deploys` (ci/lib/soak_deploys.py): five changes — a deploy, a refused deploy, a scale, a config
/// release and a rollback, in an order drawn from the seed — through a real, sandboxed `slipway serve` while wrk, 5 s
/// requests and WebSockets run through its router. The script exits 0 only when no request failed, every WebSocket
/// ended cleanly and every switch was logged; without wrk or PyPI's websockets it fails (`ci/setup --tests`).
@Suite struct DeploySoakTests {
    @Test func fiveChangesUnderLoadDropNothing() async throws {
        let result = try CILibScript.run("soak_deploys.py", ["--changes", "5", "--seed", "20261207", "--connections", "8",
                                                             "--slow-streams", "2", "--websockets", "2", "--held-every", "0"],
                                         timeoutSeconds: 300)
        #expect(result.status == 0, "the deploy soak failed:\n\(result.output.suffix(6000))")
        #expect(result.output.contains("failures: 0"), "\(result.output.suffix(3000))")
        #expect(result.output.contains("healthy → switched (5 switches"), "\(result.output.suffix(3000))")
    }
}
