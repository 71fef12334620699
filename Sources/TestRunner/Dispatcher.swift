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
    /// Measures batch start-up from every first-attempt batch whose reports give test times.
    private(set) var startup: StartupEstimator
    /// Reported seconds and estimate units of measured files, to calibrate the queue's size estimates.
    private var calibration = (seconds: 0.0, units: 0.0)
    /// The estimate units of the whole suite; 0 when the estimates are seconds from the history.
    private let unitsToCalibrate: Double
    private let estimates: [String: Double]
    /// Each busy worker's batch: when it started and its files. Its seconds are estimated when asked, with
    /// the calibration and start-up known then: a batch handed out before the first report was sized in
    /// units, not seconds.
    private var running: [Int: (started: ContinuousClock.Instant, files: [String])] = [:]
    /// `timings`: each worker's files, handed out once. `env`: each worker's shard, as an empty file list.
    private var planned: [Int: WorkItem] = [:]
    private var retryItems: [WorkItem] = []
    private var inFlight = 0
    private var waiters: [CheckedContinuation<WorkItem?, Never>] = []
    private(set) var stopReason: StopReason?
    /// A report has placed results per file. Until one does, a multi-file batch that fails with nothing to
    /// show which file failed is split: its unplaced files run again one per batch, as the same attempt.
    private var reportsPlaceFiles: Bool
    /// Single files of such a split batch, run before anything else.
    private var isolatedItems: [WorkItem] = []
    private(set) var ledger: RunLedger
    /// Some slots are remote: a batch in flight can come back unrun (`abandon`), so idle slots wait while any is
    /// in flight, and a slot's planned work may be taken by another slot while it has not started (a remote slot
    /// may never be leased).
    private let remoteSlots: Bool
    /// The slots that have asked for work.
    private var startedSlots: Set<Int> = []

    /// `batchStartup`: the start-up cost of a batch from the timing history, when a run measured it.
    /// `sizeEstimates`: the estimates are file sizes (no file has history), to be calibrated into seconds.
    init(split: SplitMode, files: [String], estimates: [String: Double], workers: Int, retries: Int,
         failFast: Bool, observer: (any TestRunObserver)?, batchStartup: Double? = nil, sizeEstimates: Bool = false,
         remoteSlots: Bool = false) {
        self.split = split
        self.remoteSlots = remoteSlots
        self.estimates = estimates
        self.unitsToCalibrate = sizeEstimates ? files.reduce(0) { $0 + (estimates[$1] ?? 1) } : 0
        self.startup = StartupEstimator(prior: batchStartup)
        self.retries = retries
        self.failFast = failFast
        self.observer = observer
        self.ledger = RunLedger(workers: workers)
        // A recorded start-up means an earlier run's reports placed results per file.
        self.reportsPlaceFiles = batchStartup != nil
        switch split {
        case .env:
            for worker in 0..<workers { planned[worker] = WorkItem(files: [], attempt: 1, shard: worker) }
        case .timings:
            let shards = ShardPlanner.balanced(files: files, estimates: estimates, workers: workers)
            for (worker, shard) in shards.enumerated() where !shard.isEmpty {
                planned[worker] = WorkItem(files: shard, attempt: 1, shard: nil)
            }
        case .queue:
            queue = TestQueue(files: files, estimates: estimates, workers: workers, batchStartup: batchStartup)
            if sizeEstimates { queue?.calibratedShare = 0 }
        }
    }

    /// The next work for `worker`, waiting while retries may still appear; nil when there is nothing left.
    func next(worker: Int) async -> WorkItem? {
        if stopReason != nil { return nil }
        startedSlots.insert(worker)
        if let item = takeWork(worker: worker) {
            inFlight += 1
            started(item, worker: worker)
            return item
        }
        // Work can still come back from a batch in flight: a retry, or the files of a split batch.
        if inFlight == 0 || (retries == 0 && reportsPlaceFiles && !remoteSlots) { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Records a finished batch. Returns false when the run is stopping.
    @discardableResult
    func complete(_ item: WorkItem, verdicts: [FileVerdict], seconds: [String: Double], worker: Int,
                  outputTail: String, interrupted: Bool, startOffset: Double? = nil, wallSeconds: Double? = nil) -> Bool {
        inFlight -= 1
        running[worker] = nil
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
        if verdicts.contains(where: { !$0.cases.isEmpty }) { reportsPlaceFiles = true }
        if let wallSeconds, item.attempt == 1, item.shard == nil { measure(verdicts, wallSeconds: wallSeconds) }
        let canRetry = item.attempt <= retries
        var finalFailure: String?
        let isolated = isolateUnplacedFailures(item, verdicts: verdicts)
        for verdict in verdicts where !isolated.contains(verdict.file) {
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

    /// A remote slot lost its lease with `item` in flight: the batch left no result, so it goes back to be run
    /// again by whichever slot asks first, as the same attempt (it does not use up a retry, and each file is still
    /// recorded once per attempt).
    func abandon(_ item: WorkItem, worker: Int) {
        inFlight -= 1
        running[worker] = nil
        if stopReason == nil {
            retryItems.insert(item, at: 0)
            observer?.handle(.warning("worker \(worker) lost its remote worker; its batch of \(max(item.files.count, 1)) "
                                      + "file(s) runs again on another slot"))
        }
        wakeWaiters()
    }

    /// Nothing is left to hand out or in flight (or the run stopped): a slot still waiting for a remote worker
    /// may give up.
    var isDrained: Bool {
        stopReason != nil || (inFlight == 0 && planned.isEmpty && (queue?.isEmpty ?? true) && retryItems.isEmpty
                              && isolatedItems.isEmpty)
    }

    /// Splits a multi-file batch that failed with no report placing any result (a runner that writes none, or
    /// one that died first) while no report has yet shown that results can be placed: each failed file is
    /// queued again on its own, as the same attempt, so the failure lands on the files that have it. Once
    /// reports place files, an unplaced failure fails the files it covers (BatchVerdict), as it must.
    private func isolateUnplacedFailures(_ item: WorkItem, verdicts: [FileVerdict]) -> Set<String> {
        guard !reportsPlaceFiles, split == .queue, item.files.count > 1 else { return [] }
        let unplaced = verdicts.filter { !$0.passed && $0.cases.isEmpty }.map(\.file)
        isolatedItems += unplaced.map { WorkItem(files: [$0], attempt: item.attempt, shard: nil) }
        return Set(unplaced)
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

    /// Learns from a batch whose every file reported timed cases: its start-up (wall time minus test time)
    /// and, for the queue, how estimate units translate into seconds.
    private func measure(_ verdicts: [FileVerdict], wallSeconds: Double) {
        guard !verdicts.isEmpty,
              verdicts.allSatisfy({ !$0.cases.isEmpty && $0.cases.allSatisfy { $0.seconds != nil } }) else { return }
        let reported = verdicts.reduce(0) { $0 + $1.cases.reduce(0) { $0 + ($1.seconds ?? 0) } }
        startup.add(wallSeconds: wallSeconds, reportedSeconds: reported, files: verdicts.count)
        guard queue != nil else { return }
        queue?.batchStartup = startup.startup
        calibration.seconds += reported
        calibration.units += verdicts.reduce(0) { $0 + (estimates[$1.file] ?? 1) }
        if calibration.seconds > 0, calibration.units > 0 {
            queue?.secondsPerUnit = calibration.seconds / calibration.units
        }
        if unitsToCalibrate > 0 { queue?.calibratedShare = min(1, calibration.units / unitsToCalibrate) }
    }

    private func started(_ item: WorkItem, worker: Int) {
        guard queue != nil else { return }
        running[worker] = (ContinuousClock.now, item.files)
    }

    /// The estimated seconds the other workers' batches still need.
    private func othersInFlight(besides worker: Int) -> Double {
        guard let queue else { return 0 }
        let now = ContinuousClock.now
        return running.filter { $0.key != worker }.values.reduce(0) { total, batch in
            let seconds = queue.seconds(of: batch.files) + (queue.batchStartup ?? 0)
            return total + max(0, seconds - (now - batch.started).seconds)
        }
    }

    private func takeWork(worker: Int) -> WorkItem? {
        if let item = takeRequeued() { return item }
        if let item = planned.removeValue(forKey: worker) { return item }
        // A slot that never started (a remote slot no worker leased yet) leaves its planned work to the others.
        if remoteSlots, let idle = planned.keys.filter({ !startedSlots.contains($0) }).min() {
            return planned.removeValue(forKey: idle)
        }
        let others = othersInFlight(besides: worker)
        if let files = queue?.next(othersInFlightSeconds: others) {
            return WorkItem(files: files, attempt: 1, shard: nil)
        }
        return nil
    }

    /// The files of a split batch first, then retries.
    private func takeRequeued() -> WorkItem? {
        if !isolatedItems.isEmpty { return isolatedItems.removeFirst() }
        if !retryItems.isEmpty { return retryItems.removeFirst() }
        return nil
    }

    private func wakeWaiters() {
        while !waiters.isEmpty {
            if stopReason == nil, let item = takeRequeued() {
                inFlight += 1
                waiters.removeFirst().resume(returning: item)
            } else if stopReason != nil || inFlight == 0 {
                waiters.removeFirst().resume(returning: nil)
            } else {
                return
            }
        }
    }
}
