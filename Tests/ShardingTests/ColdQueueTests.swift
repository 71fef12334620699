import Testing
@testable import Sharding

/// The `queue` split on a first run (no history: sizes are the only estimates), simulated on the realistic
/// benchmark's shape, so the plan's cost shows without processes or a quiet machine.
@Suite("Cold queue on a realistic suite")
struct ColdQueueTests {
    /// The least a cold run can cost: every worker's share of the work plus two start-ups (a first round
    /// that measures them, then one batch to finish together). Before batches were samples, a first
    /// single-file batch and calibration rounds made it 1.13–1.19× this in the same simulation.
    @Test("2 workers, 300 files: two or three batches each, the finish within a few percent of the least",
          arguments: [0.5, 1.0, 2.0])
    func twoWorkers(startup: Double) {
        var ratios: [Double] = []
        for seed in 1...10 as ClosedRange<UInt64> {
            let suite = SimulatedSuite(files: 300, totalSeconds: 60, seed: seed)
            let run = suite.coldQueueRun(workers: 2, startup: startup, perFile: 0.03)
            let least = (suite.totalSeconds + 300 * 0.03) / 2 + 2 * startup
            ratios.append(run.makespan / least)
            #expect(run.batches.allSatisfy { $0 <= 3 }, "seed \(seed): \(run.batches)")
        }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(mean <= 1.04, "\(ratios)")
        #expect(ratios.allSatisfy { $0 <= 1.10 }, "\(ratios)")
    }
}
