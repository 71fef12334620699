import Foundation
@testable import Sharding

/// A suite shaped like the realistic pytest benchmark's (Sources/slipway-bench-shard/PytestSuite.swift), for
/// planning tests that need no processes: long-tailed file times (log-normal, σ = 1), and file sizes that are
/// those times times a log-normal noise (σ = 0.5), so the biggest files are the ones whose size most overstates
/// their time, as in real suites.
struct SimulatedSuite {
    var seconds: [String: Double] = [:]
    var sizes: [String: Double] = [:]

    init(files: Int, totalSeconds: Double, seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11 | 1) / Double(1 << 53)
        }
        func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
        var raw: [String: Double] = [:]
        for index in 0..<files {
            let file = String(format: "tests/test_%03d.py", index)
            raw[file] = exp(normal())
            sizes[file] = raw[file]! * exp(0.5 * normal())
        }
        let scale = totalSeconds / raw.values.reduce(0, +)
        seconds = raw.mapValues { $0 * scale }
    }

    var totalSeconds: Double { seconds.values.reduce(0, +) }

    /// A cold `queue` run on `workers` simulated workers whose batches take `startup` plus their files'
    /// seconds plus `perFile` each (collection), calibrated the way the dispatcher does it: start-up from each
    /// batch's wall time minus its reported test time, seconds per unit from the reported times of the files
    /// measured. Returns the makespan and each worker's batch count.
    func coldQueueRun(workers: Int, startup: Double, perFile: Double = 0.03) -> (makespan: Double, batches: [Int]) {
        var queue = TestQueue(files: Array(sizes.keys), estimates: sizes, workers: workers)
        queue.calibratedShare = 0
        let suiteUnits = sizes.values.reduce(0, +)
        var estimator = StartupEstimator()
        var measured = (seconds: 0.0, units: 0.0)
        var busyUntil = Array(repeating: 0.0, count: workers)
        var current: [[String]] = Array(repeating: [], count: workers)
        var started = Array(repeating: 0.0, count: workers)
        var batches = Array(repeating: 0, count: workers)
        var idle = Set<Int>()
        while idle.count < workers {
            let worker = busyUntil.indices.filter { !idle.contains($0) }.min { busyUntil[$0] < busyUntil[$1] }!
            let now = busyUntil[worker]
            if !current[worker].isEmpty {
                let files = current[worker]
                let reported = files.reduce(0) { $0 + seconds[$1]! }
                estimator.add(wallSeconds: now - started[worker], reportedSeconds: reported, files: files.count)
                measured.seconds += reported
                measured.units += files.reduce(0) { $0 + sizes[$1]! }
                queue.batchStartup = estimator.startup
                queue.secondsPerUnit = measured.seconds / measured.units
                queue.calibratedShare = min(1, measured.units / suiteUnits)
                current[worker] = []
            }
            let others = busyUntil.indices.filter { $0 != worker && !current[$0].isEmpty }.reduce(0.0) { total, other in
                let estimate = queue.seconds(of: current[other]) + (queue.batchStartup ?? 0)
                return total + max(0, estimate - (now - started[other]))
            }
            guard let batch = queue.next(othersInFlightSeconds: others) else {
                idle.insert(worker)
                continue
            }
            current[worker] = batch
            started[worker] = now
            batches[worker] += 1
            busyUntil[worker] = now + startup + batch.reduce(0) { $0 + seconds[$1]! + perFile }
        }
        return (busyUntil.max()!, batches)
    }
}
