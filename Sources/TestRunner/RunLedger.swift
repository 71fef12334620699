import Sharding

/// Every attempt of every file, and what each worker did: the run's bookkeeping.
struct RunLedger: Sendable {
    struct Entry: Sendable {
        var attempts = 0
        var everFailed = false
        var last: FileVerdict
        var worker: Int
        var seconds: Double
        /// Why the last failing attempt failed, with its output tail.
        var failure: String?
        /// When the last attempt's batch started, in seconds after the run started.
        var startOffset: Double?
    }

    struct WorkerTally: Sendable {
        var files = 0
        var seconds = 0.0
    }

    private(set) var entries: [String: Entry] = [:]
    private(set) var workers: [WorkerTally]

    init(workers: Int) {
        self.workers = Array(repeating: WorkerTally(), count: workers)
    }

    /// Records one attempt; returns the file's attempt count so far.
    @discardableResult
    mutating func record(_ verdict: FileVerdict, worker: Int, seconds: Double, outputTail: String,
                         startOffset: Double? = nil) -> Int {
        var entry = entries[verdict.file]
            ?? Entry(last: verdict, worker: worker, seconds: seconds)
        entry.attempts += 1
        entry.last = verdict
        entry.worker = worker
        entry.seconds = seconds
        entry.startOffset = startOffset
        if !verdict.passed {
            entry.everFailed = true
            let reason = verdict.reason.map { $0.isEmpty ? "" : $0 + "\n" } ?? ""
            entry.failure = reason + outputTail
        }
        entries[verdict.file] = entry
        workers[worker].files += 1
        return entry.attempts
    }

    mutating func addBusyTime(_ seconds: Double, worker: Int) {
        workers[worker].seconds += seconds
    }

    var results: [FileResult] {
        entries.keys.sorted().map { path in
            let entry = entries[path]!
            let allSkipped = !entry.last.cases.isEmpty && entry.last.cases.allSatisfy { $0.outcome == .skipped }
            let status: FileStatus = !entry.last.passed ? .failed
                : (entry.everFailed ? .flaky : (allSkipped ? .skipped : .passed))
            return FileResult(path: path, worker: entry.worker, seconds: entry.seconds, status: status,
                              attempts: entry.attempts, cases: entry.last.cases, failure: entry.failure,
                              startOffsetSeconds: entry.startOffset)
        }
    }
}
