import Foundation
import Testing
@testable import Sharding

@Suite("Batch sizing by start-up cost, and what exit statuses mean")
struct BatchCostTests {
    /// Drains a queue the way workers would if every batch took exactly its estimate.
    private func drain(_ queue: inout TestQueue) -> [[String]] {
        var batches: [[String]] = []
        while let batch = queue.next() { batches.append(batch) }
        return batches
    }

    @Test("unknown start-up: a first round of a quarter of an even share each, then guided self-scheduling, at most 16 files a batch")
    func unknownStartup() {
        var estimates: [String: Double] = [:]
        for index in 0..<300 { estimates[String(format: "f%03d", index)] = 0.2 }
        var queue = TestQueue(files: Array(estimates.keys), estimates: estimates, workers: 2)
        let batches = drain(&queue)
        #expect(batches.prefix(2).map(\.count) == [38, 33])  // 300 / 8, then 262 / 8
        #expect(batches.dropFirst(2).allSatisfy { $0.count <= 16 })
        #expect(batches.count > 20)
    }

    /// Runs a queue on simulated workers whose batches take exactly start-up plus their estimate; returns
    /// the batches and when the last worker finished.
    private func simulate(_ queue: inout TestQueue, workers: Int, startup: Double) -> (batches: [[String]], makespan: Double) {
        var busyUntil = Array(repeating: 0.0, count: workers)
        var batches: [[String]] = []
        while true {
            let worker = busyUntil.indices.min { busyUntil[$0] < busyUntil[$1] }!
            let now = busyUntil[worker]
            let others = busyUntil.indices.filter { $0 != worker }.reduce(0) { $0 + max(0, busyUntil[$1] - now) }
            guard let batch = queue.next(othersInFlightSeconds: others) else { break }
            batches.append(batch)
            busyUntil[worker] = now + startup + queue.seconds(of: batch)
        }
        return (batches, busyUntil.max()!)
    }

    @Test("known start-up: batches hold at least 19 start-ups of work until the last round; the finish balances")
    func startupFloor() {
        var estimates: [String: Double] = [:]
        for index in 0..<300 { estimates[String(format: "f%03d", index)] = 0.2 }  // 60 s of tests
        var queue = TestQueue(files: Array(estimates.keys), estimates: estimates, workers: 2, batchStartup: 0.5)
        let (batches, makespan) = simulate(&queue, workers: 2, startup: 0.5)
        #expect(batches.reduce(0) { $0 + $1.count } == 300)
        // 19 × 0.5 s = 9.5 s: at least 48 files of 0.2 s, so start-up is at most 5 % of a batch.
        let first = batches[0]
        #expect(first.count == 48)
        #expect(0.5 / (0.5 + queue.seconds(of: first)) <= 0.05)
        // A handful of batches, not dozens; none a crumb; both workers end within one file of each other
        // and within three start-ups of the ideal 30 s + one start-up.
        #expect(batches.count <= 8)
        #expect(batches.allSatisfy { $0.count >= 10 })
        #expect(makespan <= 30.5 + 3 * 0.5)
    }

    @Test("the last round splits what is left so that all workers finish together")
    func finishTogether() {
        var estimates: [String: Double] = [:]
        for index in 0..<100 { estimates[String(format: "f%03d", index)] = 0.1 }  // 10 s of tests
        var queue = TestQueue(files: Array(estimates.keys), estimates: estimates, workers: 2, batchStartup: 1)
        // The floor (19 s) is more than an even share (5 s): each worker takes its share at once.
        let first = queue.next(othersInFlightSeconds: 0)!
        #expect(first.count == 50)
        // The other worker: the first batch is in flight, so it takes the rest, ending with it.
        let second = queue.next(othersInFlightSeconds: 6)!
        #expect(second.count == 50)
        #expect(queue.next() == nil)
    }

    @Test("a slow-starting runner: small batches only until its start-up is measured")
    func adaptsToSlowStart() {
        var estimates: [String: Double] = [:]
        for index in 0..<40 { estimates[String(format: "f%03d", index)] = 1 }  // file sizes: unit-less
        var queue = TestQueue(files: Array(estimates.keys), estimates: estimates, workers: 2)
        queue.calibratedShare = 0
        // The first round: an eighth of what is queued each (a quarter of an even share).
        let first = queue.next()!
        let second = queue.next()!
        #expect(first.count == 5 && second.count == 4)
        // The first batches showed 1 s of start-up and 0.05 s per file.
        var startup = StartupEstimator()
        startup.add(wallSeconds: 1.25, reportedSeconds: 0.25, files: 5)
        startup.add(wallSeconds: 1.21, reportedSeconds: 0.2, files: 4)
        queue.batchStartup = startup.startup
        queue.secondsPerUnit = 0.05
        queue.calibratedShare = 9.0 / 40
        // Start-up must be ≤ 5 % of a batch (≥ 19 s of work), more than an even share of the 1.55 s left:
        // each worker takes its share whole, the second the rest, as the first's batch (1 s + 0.75 s) starts.
        let third = queue.next()!
        #expect(third.count == 15 || third.count == 16)
        #expect(queue.next(othersInFlightSeconds: 1.75)!.count == 31 - third.count)
        #expect(queue.isEmpty)
    }

    @Test("size estimates: batches are samples of the whole list, so they calibrate without bias", arguments: [1, 2, 3] as [UInt64])
    func sampledBatches(seed: UInt64) {
        let suite = SimulatedSuite(files: 300, totalSeconds: 60, seed: seed)
        let total = suite.seconds.values.reduce(0, +)
        let unitsPerSecond = suite.sizes.values.reduce(0, +) / total
        var sampled = TestQueue(files: Array(suite.sizes.keys), estimates: suite.sizes, workers: 2)
        let sample = sampled.next()!
        let sampleUnits = sample.reduce(0) { $0 + suite.sizes[$1]! }
        let sampleSeconds = sample.reduce(0) { $0 + suite.seconds[$1]! }
        // An eighth of the suite's estimate, and seconds per unit within 25 % of the suite's.
        #expect(abs(sampleUnits / suite.sizes.values.reduce(0, +) - 0.125) < 0.02)
        #expect(abs(sampleSeconds / sampleUnits * unitsPerSecond - 1) < 0.25, "\(sampleSeconds / sampleUnits * unitsPerSecond)")
        // The head of the list, cut to the same estimate, reads its biggest files' sizes as time.
        let head = ShardPlanner.longestFirst(Array(suite.sizes.keys), estimates: suite.sizes)
        var headUnits = 0.0
        var headSeconds = 0.0
        for file in head where headUnits < sampleUnits {
            headUnits += suite.sizes[file]!
            headSeconds += suite.seconds[file]!
        }
        #expect(headSeconds / headUnits < sampleSeconds / sampleUnits)
        // Every file exactly once, however the rest is cut.
        var rest: [String] = sample
        sampled.batchStartup = 0.5
        sampled.calibratedShare = 1
        while let batch = sampled.next() { rest += batch }
        #expect(rest.count == 300 && Set(rest).count == 300)
    }

    @Test("size estimates calibrated on few files: a third of a share, then the share whole once calibrated")
    func calibrationRound() {
        var estimates: [String: Double] = [:]
        for index in 0..<300 { estimates[String(format: "f%03d", index)] = 1 }  // file sizes: unit-less
        var queue = TestQueue(files: Array(estimates.keys), estimates: estimates, workers: 2, batchStartup: 1)
        queue.calibratedShare = 2.0 / 300  // two small batches measured
        queue.secondsPerUnit = 0.2  // 60 s in all: a share (30 s) is worth far more than 4 start-ups
        let first = queue.next()!
        #expect(first.count == 50)  // a third of the 150-file share
        // Calibrated on a tenth of the suite: the rest goes in finish-together shares.
        queue.calibratedShare = TestQueue.trustedCalibrationShare
        let second = queue.next(othersInFlightSeconds: 10)!
        #expect(second.count == 150)  // (250 files × 0.2 s + 10 s in flight) / 2 workers = 30 s
        // A suite whose share is worth few start-ups takes it whole at once, calibrated or not.
        var small = TestQueue(files: Array(estimates.keys), estimates: estimates, workers: 2, batchStartup: 10)
        small.calibratedShare = 0
        small.secondsPerUnit = 0.2
        #expect(small.next()!.count == 150)
    }

    @Test("start-up estimate: the intercept over batch sizes, else the smallest overhead")
    func startupEstimator() {
        var estimator = StartupEstimator()
        #expect(estimator.startup == nil)
        estimator.add(wallSeconds: 2.0, reportedSeconds: 1.2, files: 1)
        estimator.add(wallSeconds: 2.1, reportedSeconds: 1.2, files: 1)
        #expect(abs(estimator.startup! - 0.8) < 1e-9)
        // Big batches also spend 10 ms collecting each file: that is not start-up.
        estimator.add(wallSeconds: 20 + 0.8 + 1.0, reportedSeconds: 20, files: 101)
        estimator.add(wallSeconds: 30 + 0.8 + 0.5, reportedSeconds: 30, files: 51)
        #expect(abs(estimator.startup! - 0.8) < 0.06)
        estimator.add(wallSeconds: 1, reportedSeconds: 2, files: 1)  // a report claiming more than the wall time
        #expect(estimator.samples.count == 4)

        // A warm run's batches all about one size: the recorded start-up stands (their overhead is mostly
        // collection), unless a batch showed less.
        var warm = StartupEstimator(prior: 0.8)
        #expect(warm.startup == 0.8)
        warm.add(wallSeconds: 30 + 2.3, reportedSeconds: 30, files: 150)
        warm.add(wallSeconds: 28 + 2.2, reportedSeconds: 28, files: 140)
        #expect(warm.startup == 0.8)
        warm.add(wallSeconds: 20.5, reportedSeconds: 20, files: 140)
        #expect(warm.startup == 0.5)
    }

    @Test("the timing history keeps the start-up apart from the files")
    func historyStartup() {
        var history = TimingHistory()
        history.record([TimingHistory.batchStartupKey: 0.7])
        #expect(history.isEmpty)
        #expect(history.batchStartup == 0.7)
        history.record(["tests/a.py": 2, TimingHistory.batchStartupKey: 0.9])
        #expect(history.batchStartup == 0.8)
        #expect(history.estimates(for: ["tests/a.py", "tests/new.py"]) == ["tests/a.py": 2, "tests/new.py": 2])
    }

    // MARK: exit statuses

    private let files = ["tests/test_a.py", "tests/test_b.py"]
    private var attribution: ResultAttribution { ResultAttribution(files: files) }
    private let skippedModule = TestCaseResult(name: "tests.test_a", outcome: .skipped)
    private let skippedB = TestCaseResult(name: "test_one", className: "tests.test_b", seconds: 0, outcome: .skipped)
    private let passedB = TestCaseResult(name: "test_one", className: "tests.test_b", seconds: 0.1, outcome: .passed)

    @Test("pytest's exit 5 with every file skipped passes; a module skipped at collection is placed by its name")
    func exitFiveAllSkipped() {
        #expect(attribution.file(for: skippedModule) == "tests/test_a.py")
        let outcome = BatchOutcome(succeeded: false, summary: "exit status 5", exitStatus: 5)
        let verdicts = BatchVerdict.judge(files: files, cases: [skippedModule, skippedB], outcome: outcome,
                                          attribution: attribution, reported: true)
        #expect(verdicts.map(\.passed) == [true, true])
        #expect(verdicts[0].cases == [skippedModule])
    }

    @Test("exit 5 with no report at all is not a pass")
    func exitFiveWithoutReport() {
        let outcome = BatchOutcome(succeeded: false, summary: "exit status 5", exitStatus: 5)
        let verdicts = BatchVerdict.judge(files: files, cases: [], outcome: outcome, attribution: attribution,
                                          reported: false)
        #expect(verdicts.map(\.passed) == [false, false])
        #expect(verdicts[0].reason == "exit status 5")
    }

    @Test("a crash after a complete, clean report fails every file", arguments: [
        BatchOutcome(succeeded: false, summary: "exit status 1", exitStatus: 1),
        BatchOutcome(succeeded: false, summary: "exit status 139", exitStatus: 139),
        BatchOutcome(succeeded: false, summary: "killed by signal 11 (SIGSEGV)"),
        // pytest exits 5 only when no test ran: after passing cases it is not "nothing to run".
        BatchOutcome(succeeded: false, summary: "exit status 5", exitStatus: 5),
    ])
    func crashAfterReport(outcome: BatchOutcome) {
        let cases = [TestCaseResult(name: "test_x", className: "tests.test_a", seconds: 0.1, outcome: .passed), passedB]
        let verdicts = BatchVerdict.judge(files: files, cases: cases, outcome: outcome, attribution: attribution,
                                          reported: true)
        #expect(verdicts.map(\.passed) == [false, false])
        #expect(verdicts.allSatisfy { $0.reason == outcome.summary })
    }

    @Test("a crash before any report fails every file")
    func crashBeforeReport() {
        let outcome = BatchOutcome(succeeded: false, summary: "killed by signal 9 (SIGKILL)")
        let verdicts = BatchVerdict.judge(files: files, cases: [], outcome: outcome, attribution: attribution,
                                          reported: false)
        #expect(verdicts.map(\.passed) == [false, false])
    }
}
