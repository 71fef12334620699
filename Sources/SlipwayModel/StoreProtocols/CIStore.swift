import Foundation

/// Test runs, timing history, checks, the gate's decisions and the webhook deliveries already handled.
public protocol CIStore: Sendable {
    /// Creates a `pending` test run with a new UUID, owned by the service instance `owner` (nil: none).
    /// `workers` is 1–32 (`invalidValue` otherwise); throws `notFound` for an unknown pipeline.
    func createTestRun(
        pipeline: ResourceName,
        prNumber: Int?,
        branch: String?,
        commit: String,
        workers: Int,
        split: String?,
        owner: String?
    ) async throws(StoreError) -> TestRun

    /// Writes the run's state, shards, file results, times and message (replacing the stored ones).
    /// Its id, pipeline, pull request and commit cannot change (`invalidValue`); its owner is not written here.
    /// Fencing: a `run` with an `owner` that is no longer the stored owner (another instance adopted the run) is
    /// refused with `conflict`, checked under the row's lock, so an instance that lost a run never records it.
    func updateTestRun(_ run: TestRun) async throws(StoreError) -> TestRun

    /// The test run with that id, with its file results; throws `notFound`.
    func testRun(id: String) async throws(StoreError) -> TestRun

    /// The pipeline's test runs, newest first, optionally for one pull request, at most `limit`.
    func testRuns(pipeline: ResourceName, prNumber: Int?, limit: Int?) async throws(StoreError) -> [TestRun]

    /// Appends one run's per-file durations (seconds) to the pipeline's timing history, keeping the last
    /// `keepingLast` samples per file. Negative and non-finite durations are ignored.
    func recordFileTimings(
        pipeline: ResourceName,
        _ seconds: [String: Double],
        keepingLast: Int
    ) async throws(StoreError)

    /// The pipeline's timing history: recent durations per file, oldest first (the shape of
    /// `Sharding.TimingHistory.files`).
    func fileTimings(pipeline: ResourceName) async throws(StoreError) -> [String: [Double]]

    /// Appends a status for `context` on `commit`; earlier statuses stay as history.
    func recordCheck(
        pipeline: ResourceName,
        commit: String,
        context: String,
        state: CheckState,
        description: String,
        targetURL: String?
    ) async throws(StoreError) -> Check

    /// Every status recorded on the commit, oldest first.
    func checkHistory(pipeline: ResourceName, commit: String) async throws(StoreError) -> [Check]

    /// The latest status of each context on the commit, by context.
    func latestChecks(pipeline: ResourceName, commit: String) async throws(StoreError) -> [Check]

    /// Appends a decision of the merge gate.
    func recordGateDecision(
        pipeline: ResourceName,
        prNumber: Int,
        mergeCommit: String?,
        verdict: GateVerdict,
        reason: String
    ) async throws(StoreError) -> GateDecision

    /// The gate's decisions in the pipeline, newest first, optionally for one pull request, at most `limit`.
    func gateDecisions(pipeline: ResourceName, prNumber: Int?, limit: Int?) async throws(StoreError) -> [GateDecision]

    /// Remembers a webhook delivery. Returns true the first time an id is seen and false for a duplicate,
    /// atomically, so two concurrent deliveries of the same id cannot both be processed.
    func recordWebhookDelivery(_ delivery: WebhookDelivery) async throws(StoreError) -> Bool

    /// Forgets deliveries received before `date`; returns how many.
    func pruneWebhookDeliveries(receivedBefore date: Date) async throws(StoreError) -> Int
}

extension CIStore {
    /// A test run no service instance owns (`slipway ci run`, tests, the embedded single-instance service).
    public func createTestRun(pipeline: ResourceName, prNumber: Int?, branch: String?, commit: String, workers: Int,
                              split: String?) async throws(StoreError) -> TestRun {
        try await createTestRun(pipeline: pipeline, prNumber: prNumber, branch: branch, commit: commit, workers: workers,
                                split: split, owner: nil)
    }

    /// Appends durations keeping the last 5 samples per file (`Sharding.TimingHistory.samplesKept`).
    public func recordFileTimings(pipeline: ResourceName, _ seconds: [String: Double]) async throws(StoreError) {
        try await recordFileTimings(pipeline: pipeline, seconds, keepingLast: 5)
    }
}
