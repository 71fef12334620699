import Foundation
import Sharding
import Testing
@testable import TestRunner

/// Queue batches sized by what a batch costs to start, measured on a real runner.
@Suite("Batch sizing by start-up cost")
struct BatchSizingTests {
    /// A runner that spends 1 s starting (an interpreter and its imports), then 50 ms per file, and reports
    /// each file's time in JUnit XML; it logs each batch's file count to `$BATCH_LOG`.
    static let slowStartingRunner = """
        sleep 1
        cases=""
        for f in "$@"; do
          sleep 0.05
          cases="$cases<testcase classname=\\"suite\\" name=\\"$f\\" file=\\"$f\\" time=\\"0.05\\"/>"
        done
        echo "<testsuites><testsuite name=\\"s\\">$cases</testsuite></testsuites>" > "$SLIPWAY_REPORTS_DIR/r.xml"
        echo "$#" >> "$BATCH_LOG"
        """

    static func batchSizes(_ log: URL) -> [Int] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) }
    }

    @Test("a runner that sleeps 1 s before its files gets small batches only while that cost is unknown")
    func slowStartingRunner() async throws {
        let fixture = try SuiteFixture.make(files: 40, extra: ["bin/run-tests": Self.slowStartingRunner])
        defer { fixture.remove() }
        let batchLog = fixture.directory.deletingLastPathComponent().appendingPathComponent("batches.log")

        // Cold: a first round of an eighth of the suite per worker, until a report shows the start-up (≈ 1 s)
        // and the file time (50 ms); then start-up must stay ≤ 5 % of a batch (≥ 19 s of work), more than an
        // even share of what is left, so each worker takes its share whole.
        let cold = try await fixture.run(workers: 2, split: .queue, fixture: ["BATCH_LOG": batchLog.path])
        #expect(cold.status == .passed)
        #expect(cold.files.count == 40)
        let coldSizes = Self.batchSizes(batchLog)
        #expect(coldSizes.reduce(0, +) == 40)
        #expect(coldSizes.prefix(2).allSatisfy { $0 <= 5 }, "\(coldSizes)")
        #expect(coldSizes.count == 4, "\(coldSizes)")
        #expect(coldSizes.dropFirst(2).allSatisfy { $0 >= 8 }, "\(coldSizes)")
        let measured = try #require(cold.batchStartupSeconds)
        // The estimate is a batch's wall time less its files' reported 50 ms each, so on a loaded machine the
        // files' real `sleep 0.05` (and each process start) lengthen it: a generous ceiling, a strict floor.
        #expect(measured >= 0.95 && measured < 5, "\(measured)")

        // The history keeps it, beside the files, under the reserved entry.
        let history = TimingHistoryStore.load(fixture.history).history
        #expect(history.batchStartup == measured)
        #expect(history.files.count == 41)

        // Warm: the cost is known from the start: no single-file batches, one share per worker.
        try FileManager.default.removeItem(at: batchLog)
        let warm = try await fixture.run(workers: 2, split: .queue, fixture: ["BATCH_LOG": batchLog.path])
        #expect(warm.status == .passed)
        let warmSizes = Self.batchSizes(batchLog)
        #expect(warmSizes.reduce(0, +) == 40)
        #expect(warmSizes.count == 2, "\(warmSizes)")
        #expect(warmSizes.allSatisfy { $0 >= 15 }, "\(warmSizes)")
    }

    @Test("more workers than cores is a warning naming both; the core count or fewer is not")
    func oversubscription() {
        let warning = TestSuiteRun.oversubscription(workers: 8, cores: 2)
        #expect(warning?.contains("8 workers on 2 CPU cores") == true)
        #expect(TestSuiteRun.oversubscription(workers: 2, cores: 2) == nil)
        #expect(TestSuiteRun.oversubscription(workers: 1, cores: 2) == nil)
    }
}
