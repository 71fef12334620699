/// The shared work queue of the `queue` split: files longest-estimated-first, handed out in batches sized by
/// what a batch costs.
///
/// Every batch is a new test process and pays a start-up cost (interpreter, imports, collection) before its
/// first test. While that cost is unknown, batches follow plain guided self-scheduling: a quarter of an even
/// share of the work still queued (`remaining / (workers × 4)`, at most `maximumBatchSize` files), so the last
/// ones are single files that even out the finish. Once it is known (`batchStartup`, measured by the
/// dispatcher from earlier batches or read from the timing history):
/// - a batch holds at least `startupFloorFactor` (19) start-ups' worth of work, so start-up stays ≤ 5 % of it;
/// - it never holds more than this worker's part of a finish-together split of what is left (the queue plus
///   what the other workers still have in flight, over the workers); when that part is under two floors, the
///   worker takes it whole: its last batch, ending with everyone else's;
/// - except while the estimates are file sizes whose seconds-per-unit rests on too little of the suite
///   (`calibratedShare` under `trustedCalibrationShare`): a share taken whole on a poor calibration ends
///   tens of seconds apart from the others', so, when that share is worth several start-ups, the worker takes
///   a third of it (`calibrationRoundFraction`) and the next round is sized from a calibration over more files.
///
/// **Batches are samples, not cuts.** The first round and every start-up-sized batch take files spread
/// evenly over the whole longest-first list instead of its head, so each holds the same mix of big and small
/// files as what it leaves. Estimates predict seconds only on average: file sizes on a first run (and the
/// biggest files are the ones whose size most overstates their time, as they are biggest partly by chance),
/// and reported test times with history, which leave out what a runner spends per test and per file around
/// them (collection, hooks, the report). A calibration made on the head of the list reads too few seconds
/// per unit, and a share cut from the head takes a different time from an equal estimate cut from the tail;
/// a sample calibrates without bias, and shares of equal estimate take equal time. Plain guided batches
/// after the first round keep taking the head, so the last files handed out are the smallest.
public struct TestQueue: Sendable {
    /// Start-up may be at most this share of a batch's wall time.
    public static let startupShareLimit = 0.05
    /// The least work per batch, in start-ups: `(1 − share) / share`.
    public static let startupFloorFactor = (1 - startupShareLimit) / startupShareLimit
    /// The part of the suite's estimate whose real seconds must be known before a finish-together share is
    /// handed out whole on size estimates (measured on sampled batches, so it calibrates without bias).
    public static let trustedCalibrationShare = 0.1
    /// The part of a finish-together share a batch takes while the calibration is not yet trusted.
    public static let calibrationRoundFraction = 1.0 / 3
    /// A calibration round pays off only when a share is worth more than this many start-ups (a mis-sized
    /// share costs a fraction of itself; another round costs one start-up).
    public static let calibrationRoundMinimumStartups = 4.0

    /// The most files one plain guided batch may hold while the start-up cost is unknown (the first round
    /// excepted).
    public var maximumBatchSize: Int
    /// Seconds one batch spends starting up; nil while unknown.
    public var batchStartup: Double?
    /// Seconds per unit of estimate: 1 for estimates from the history, calibrated by the dispatcher from
    /// reported test times when the estimates are file sizes.
    public var secondsPerUnit: Double = 1
    /// How much of the suite's estimate (0…1) `secondsPerUnit` was calibrated on; 1 when the estimates are
    /// seconds from the timing history (nothing to calibrate).
    public var calibratedShare: Double = 1

    /// Longest-estimated-first; files leave it from anywhere when batches are samples.
    private var pending: [String]
    private let estimates: [String: Double]
    private let workers: Int
    private var batchesHandedOut = 0

    public init(files: [String], estimates: [String: Double], workers: Int, maximumBatchSize: Int = 16,
                batchStartup: Double? = nil) {
        precondition(workers >= 1 && maximumBatchSize >= 1)
        self.pending = ShardPlanner.longestFirst(files, estimates: estimates)
        self.remainingEstimate = files.reduce(0) { $0 + (estimates[$1] ?? 1) }
        self.estimates = estimates
        self.workers = workers
        self.maximumBatchSize = maximumBatchSize
        self.batchStartup = batchStartup
    }

    public var isEmpty: Bool { pending.isEmpty }
    public var remainingFiles: Int { pending.count }

    /// Estimated units of the work still queued.
    public private(set) var remainingEstimate: Double

    /// Estimated seconds of the work still queued.
    public var remainingSeconds: Double { remainingEstimate * secondsPerUnit }

    /// The estimate of some files in seconds.
    public func seconds(of files: [String]) -> Double {
        files.reduce(0) { $0 + estimate($1) } * secondsPerUnit
    }

    /// The next batch of files, or nil when the queue is empty. `othersInFlightSeconds`: the estimated
    /// seconds the other workers' current batches still need.
    public mutating func next(othersInFlightSeconds: Double = 0) -> [String]? {
        guard !pending.isEmpty else { return nil }
        let firstRound = batchesHandedOut < workers
        batchesHandedOut += 1
        let files: [String]
        if let startup = batchStartup, startup > 0 {
            let target = costAwareTarget(startup: startup, othersInFlight: othersInFlightSeconds)
            // Never under the floor that keeps start-up ≤ 5 % (a sample lands within half a file of its aim).
            let floor = min(target.seconds, startup * Self.startupFloorFactor)
            files = takeSample(units: target.seconds / secondsPerUnit, atLeast: target.isWhole ? 0 : floor / secondsPerUnit)
        } else {
            let target = remainingEstimate / Double(workers * 4)
            files = firstRound ? takeSample(units: target, atLeast: 0) : takeHead(target: target, limit: maximumBatchSize)
        }
        remainingEstimate = max(0, remainingEstimate - files.reduce(0) { $0 + estimate($1) })
        return files
    }

    /// The batch's target in seconds when start-up costs `startup` seconds, and whether it is a whole share
    /// (the worker's last batch) rather than a batch sized by the floor.
    func costAwareTarget(startup: Double, othersInFlight: Double) -> (seconds: Double, isWhole: Bool) {
        let remaining = remainingSeconds
        let floor = startup * Self.startupFloorFactor
        let guided = remaining / Double(workers * 4)
        // The last round: every worker takes one more batch (one more start-up each, so start-ups cancel
        // out) and all end together.
        let share = (remaining + max(0, othersInFlight)) / Double(workers)
        if calibratedShare < Self.trustedCalibrationShare && share > Self.calibrationRoundMinimumStartups * startup {
            return (share * Self.calibrationRoundFraction, true)
        }
        // A share under two floors is taken whole: split in two, each half would be under the floor.
        let target = max(guided, floor)
        return share < 2 * floor || target >= share ? (share, true) : (target, false)
    }

    /// Files from the head of the list, never more than `target` (but at least one) nor `limit` files.
    private mutating func takeHead(target: Double, limit: Int) -> [String] {
        var count = 1
        var total = estimate(pending[0])
        while count < limit, count < pending.count, total + estimate(pending[count]) <= target {
            total += estimate(pending[count])
            count += 1
        }
        defer { pending.removeFirst(count) }
        return Array(pending.prefix(count))
    }

    /// About `units` of estimate spread evenly over the list (systematic sampling by estimate): walking it,
    /// each file adds its estimate times the sampled fraction to what is owed, and is taken when at least
    /// half of it is owed. The total lands within half a file of `units`; then files from the head are added
    /// while it is under `atLeast`; at least one file is taken.
    private mutating func takeSample(units: Double, atLeast minimum: Double) -> [String] {
        let fraction = remainingEstimate > 0 ? units / remainingEstimate : 1
        guard fraction < 1 else { defer { pending.removeAll() }; return pending }
        var owed = 0.0
        var total = 0.0
        var taken: [String] = []
        var kept: [String] = []
        kept.reserveCapacity(pending.count)
        for file in pending {
            let size = estimate(file)
            owed += fraction * size
            if owed >= size / 2 {
                taken.append(file)
                owed -= size
                total += size
            } else {
                kept.append(file)
            }
        }
        while !kept.isEmpty, taken.isEmpty || total < minimum {
            let file = kept.removeFirst()
            taken.append(file)
            total += estimate(file)
        }
        pending = kept
        return taken
    }

    private func estimate(_ file: String) -> Double { estimates[file] ?? 1 }
}
