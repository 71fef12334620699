/// The shared work queue of the `queue` split: files longest-estimated-first, handed out in small batches.
///
/// Batch size follows guided self-scheduling: a batch aims at a quarter of an even share of the work still
/// queued (`remaining / (workers × 4)`), so early batches amortise process start-up and the last ones are
/// single files that even out the finish.
public struct TestQueue: Sendable {
    /// The most files one batch may hold.
    public var maximumBatchSize: Int
    /// When false every batch holds one file: used until the suite has shown it reports results per file,
    /// since a failing multi-file batch without a report cannot be attributed.
    public var allowsMultiFileBatches: Bool

    private var pending: [String]
    private var pendingIndex = 0
    private let estimates: [String: Double]
    private let workers: Int

    public init(files: [String], estimates: [String: Double], workers: Int,
                maximumBatchSize: Int = 16, allowsMultiFileBatches: Bool = true) {
        precondition(workers >= 1 && maximumBatchSize >= 1)
        self.pending = ShardPlanner.longestFirst(files, estimates: estimates)
        self.remainingEstimate = files.reduce(0) { $0 + (estimates[$1] ?? 1) }
        self.estimates = estimates
        self.workers = workers
        self.maximumBatchSize = maximumBatchSize
        self.allowsMultiFileBatches = allowsMultiFileBatches
    }

    public var isEmpty: Bool { pendingIndex == pending.count }
    public var remainingFiles: Int { pending.count - pendingIndex }

    /// Estimated seconds of the work still queued.
    public private(set) var remainingEstimate: Double

    /// The next batch of files, or nil when the queue is empty.
    public mutating func next() -> [String]? {
        guard pendingIndex < pending.count else { return nil }
        let target = remainingEstimate / Double(workers * 4)
        var files = [pending[pendingIndex]]
        var total = estimate(pending[pendingIndex])
        pendingIndex += 1
        let limit = allowsMultiFileBatches ? maximumBatchSize : 1
        while files.count < limit, pendingIndex < pending.count {
            let candidate = estimate(pending[pendingIndex])
            guard total + candidate <= target else { break }
            files.append(pending[pendingIndex])
            total += candidate
            pendingIndex += 1
        }
        remainingEstimate = max(0, remainingEstimate - total)
        return files
    }

    private func estimate(_ file: String) -> Double { estimates[file] ?? 1 }
}
