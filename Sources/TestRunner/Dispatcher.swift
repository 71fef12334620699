import Sharding

/// Hands work to workers according to the split, collects their results, schedules retries and decides when
/// the run stops. One per run; workers call it concurrently.
actor Dispatcher {
    enum StopReason: Sendable, Equatable {
        case failFast(file: String)
        case timeout(seconds: Double)
        case setupFailed(worker: Int)
        /// The run's task was cancelled (Ctrl-C).
        case cancelled
    }

    let split: SplitMode
    let retries: Int
    let failFast: Bool
    private let observer: (any TestRunObserver)?
    private var queue: TestQueue?
    /// `timings`: each worker's files, handed out once. `env`: each worker's shard, as an empty file list.
    private var planned: [Int: WorkItem] = [:]
    private var retryItems: [WorkItem] = []
    private var inFlight = 0
    private var waiters: [CheckedContinuation<WorkItem?, Never>] = []
    private(set) var stopReason: StopReason?
    private(set) var ledger: RunLedger

    init(split: SplitMode, files: [String], estimates: [String: Double], workers: Int, retries: Int,
         failFast: Bool, observer: (any TestRunObserver)?) {
        self.split = split
        self.retries = retries
        self.failFast = failFast
        self.observer = observer
        self.ledger = RunLedger(workers: workers)
        switch split {
        case .env:
            for worker in 0..<workers { planned[worker] = WorkItem(files: [], attempt: 1, shard: worker) }
        case .timings:
            let shards = ShardPlanner.balanced(files: files, estimates: estimates, workers: workers)
            for (worker, shard) in shards.enumerated() where !shard.isEmpty {
                planned[worker] = WorkItem(files: shard, attempt: 1, shard: nil)
            }
        case .queue:
            // One file per batch until a report shows results can be attributed per file.
            queue = TestQueue(files: files, estimates: estimates, workers: workers, allowsMultiFileBatches: false)
        }
    }

    /// The next work for `worker`, waiting while retries may still appear; nil when there is nothing left.
    func next(worker: Int) async -> WorkItem? {
        if stopReason != nil { return nil }
        if let item = takeWork(worker: worker) {
            inFlight += 1
            return item
        }
        if inFlight == 0 || retries == 0 { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Records a finished batch. Returns false when the run is stopping.
    @discardableResult
    func complete(_ item: WorkItem, verdicts: [FileVerdict], seconds: [String: Double], worker: Int,
                  outputTail: String, interrupted: Bool, startOffset: Double? = nil) -> Bool {
        inFlight -= 1
        defer { wakeWaiters() }
        if interrupted {
            guard case .timeout(let limit) = stopReason else { return false }
            // The run's time ran out: files the reports show as done keep their result, the rest failed.
            for verdict in verdicts {
                var judged = verdict
                if !judged.passed {
                    judged.reason = "the run timed out after \(Int(limit)) s while this file was running"
                }
                let attempts = ledger.record(judged, worker: worker, seconds: seconds[verdict.file] ?? 0,
                                             outputTail: outputTail, startOffset: startOffset)
                observer?.handle(.fileFinished(path: verdict.file, worker: worker, attempt: attempts,
                                               passed: judged.passed, willRetry: false,
                                               seconds: seconds[verdict.file] ?? 0))
            }
            return false
        }
        if verdicts.contains(where: { !$0.cases.isEmpty }) { queue?.allowsMultiFileBatches = true }
        let canRetry = item.attempt <= retries
        var finalFailure: String?
        for verdict in verdicts {
            let fileSeconds = seconds[verdict.file] ?? 0
            ledger.record(verdict, worker: worker, seconds: fileSeconds, outputTail: outputTail, startOffset: startOffset)
            let willRetry = !verdict.passed && canRetry
            if !verdict.passed && !canRetry && finalFailure == nil { finalFailure = verdict.file }
            if willRetry && split != .env {
                retryItems.append(WorkItem(files: [verdict.file], attempt: item.attempt + 1, shard: nil))
            }
            observer?.handle(.fileFinished(path: verdict.file, worker: worker, attempt: item.attempt,
                                           passed: verdict.passed, willRetry: willRetry, seconds: fileSeconds))
        }
        if split == .env && canRetry && verdicts.contains(where: { !$0.passed }) {
            retryItems.append(WorkItem(files: [], attempt: item.attempt + 1, shard: item.shard))
        }
        if failFast, let file = finalFailure {
            stop(.failFast(file: file))
            return false
        }
        return stopReason == nil
    }

    func addBusyTime(_ seconds: Double, worker: Int) {
        ledger.addBusyTime(seconds, worker: worker)
    }

    /// A worker has its workspace and process group and finished `test-setup` after `seconds`.
    func workerReady(_ worker: Int, seconds: Double) {
        ledger.addBusyTime(seconds, worker: worker)
        observer?.handle(.workerReady(worker: worker, seconds: seconds))
    }

    /// Stops handing out work. The first reason wins. Returns true for the call that stopped the run.
    @discardableResult
    func stop(_ reason: StopReason) -> Bool {
        guard stopReason == nil else { return false }
        stopReason = reason
        let message: String
        switch reason {
        case .failFast(let file): message = "--fail-fast: \(file) failed"
        case .timeout(let seconds): message = "the run timed out after \(Int(seconds)) s"
        case .setupFailed(let worker): message = "worker \(worker) failed to start"
        case .cancelled: message = "interrupted"
        }
        observer?.handle(.stopping(reason: message))
        wakeWaiters()
        return true
    }

    private func takeWork(worker: Int) -> WorkItem? {
        if !retryItems.isEmpty { return retryItems.removeFirst() }
        if let item = planned.removeValue(forKey: worker) { return item }
        if let files = queue?.next() { return WorkItem(files: files, attempt: 1, shard: nil) }
        return nil
    }

    private func wakeWaiters() {
        while !waiters.isEmpty {
            if stopReason == nil, !retryItems.isEmpty {
                inFlight += 1
                waiters.removeFirst().resume(returning: retryItems.removeFirst())
            } else if stopReason != nil || inFlight == 0 {
                waiters.removeFirst().resume(returning: nil)
            } else {
                return
            }
        }
    }
}
