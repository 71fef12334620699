import Foundation
import Testing

/// A short `ci/soak` (ci/lib/soak_kill.py): real pull-request lifecycles through a real, sandboxed `slipway serve`,
/// killed with SIGKILL at seeded moments and started again on the same data dir; after every restart the five
/// invariants must hold (target only at merges with a green `ci`, no orphan process, nothing stuck, the SQLite
/// store's integrity, every open pull request with a deployed or failed-with-reason review app).
@Suite struct KillSoakTests {
    @Test func everyInvariantHoldsAcrossKills() async throws {
        // A fixed seed: the same plan every run (`ci/soak --cycles 3 --seed 20261207` repeats it).
        let result = try CILibScript.run("soak_kill.py", ["--cycles", "3", "--seed", "20261207"])
        #expect(result.status == 0, "an invariant failed:\n\(result.output.suffix(6000))")
        #expect(result.output.contains("summary: 3 cycles, "), "\(result.output.suffix(2000))")
        #expect(result.output.contains(" 0 failed"), "\(result.output.suffix(2000))")
    }
}
