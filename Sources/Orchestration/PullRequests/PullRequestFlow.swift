import Foundation
import GitKit
import Logging
import Platform
import SlipwayModel

/// Pull requests end to end: every trigger (webhook, poll, gate) leads to one idempotent reconciliation of
/// a pipeline — fetch the mirror, make each open pull request's test merge, test it, record the `ci` check,
/// create or redeploy its review app, destroy the review apps of closed ones — so duplicate, late or
/// out-of-order deliveries change nothing twice.
///
/// Reconciliations of one pipeline never overlap: a trigger during one marks the pipeline dirty and it runs
/// once more afterwards. Test runs and review-app deploys run as tasks of their own; a newer push cancels the
/// pull request's running test run. `shutdown()` cancels everything and waits for it.
public actor PullRequestFlow {
    let store: any SlipwayStore
    let deployer: Deployer
    /// Every check this flow records goes through it (and to its observers).
    let checks: CheckRecorder
    /// Told of every review app's deploys and destruction.
    let reviewAppObservers: [any ReviewAppObserver]
    public nonisolated let settings: PullRequestSettings
    let logger: Logger
    let tracker = WorkTracker()
    /// Serialises reconciliation and the gate per pipeline (`pipeline:<name>`), and review-app work per pull
    /// request (`pr:<pipeline>#<N>`).
    let locks = AppLocks()

    struct PullRequestKey: Hashable, Sendable {
        var pipeline: String
        var number: Int
    }

    private var tasks: [UUID: Task<Void, Never>] = [:]
    /// The test-run scheduler's state.
    var runningTests = RunningTestRuns()
    /// The review-app provisioner's state.
    var reviewAppDeploys = ReviewAppDeploys()
    private var reconciling: Set<String> = []
    private var dirty: Set<String> = []
    private var lastReap: [String: ContinuousClock.Instant] = [:]
    private(set) var stopping = false

    public init(store: any SlipwayStore, deployer: Deployer, settings: PullRequestSettings,
                checkObservers: [any CheckObserver] = [], reviewAppObservers: [any ReviewAppObserver] = [],
                logger: Logger = Logger(label: "slipway.prs")) {
        self.store = store
        self.deployer = deployer
        self.checks = CheckRecorder(store: store, observers: checkObservers)
        self.reviewAppObservers = reviewAppObservers
        self.settings = settings
        self.logger = logger
    }

    // MARK: Triggers

    /// Reconciles the pipeline soon (coalesced with a reconciliation already running).
    public func requestReconcile(_ pipeline: ResourceName) {
        guard !stopping else { return }
        if reconciling.contains(pipeline.rawValue) {
            dirty.insert(pipeline.rawValue)
            return
        }
        reconciling.insert(pipeline.rawValue)
        spawn { await self.reconcileUntilClean(pipeline) }
    }

    /// Reconciles every pipeline (the poll).
    public func requestReconcileAll() async {
        guard let pipelines = try? await store.pipelines() else { return }
        for pipeline in pipelines { requestReconcile(pipeline.name) }
    }

    /// Removes what test runs of an earlier instance left in the scratch directory (a killed service cannot
    /// clean up after itself). Call before the first reconciliation.
    public func removeLeftoverScratch() {
        let scratch = settings.scratchDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? [] {
            try? FileManager.default.removeItem(at: scratch.appendingPathComponent(name))
        }
    }

    /// Returns when no reconciliation, test run or review-app deploy is outstanding.
    public nonisolated func waitUntilIdle() async {
        await tracker.waitUntilIdle()
    }

    /// Cancels every running task (test runs stop their processes) and waits for them to end.
    public func shutdown() async {
        stopping = true
        let running = Array(tasks.values)
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    /// Runs `body` as a tracked task; returns its id (to cancel it).
    @discardableResult
    func spawn(_ body: @escaping @Sendable () async -> Void) -> UUID {
        let id = UUID()
        tracker.begin()
        tasks[id] = Task {
            await body()
            self.finished(id)
        }
        return id
    }

    func cancelTask(_ id: UUID) {
        tasks[id]?.cancel()
    }

    private func finished(_ id: UUID) {
        tasks[id] = nil
        tracker.end()
    }

    private func reconcileUntilClean(_ pipeline: ResourceName) async {
        repeat {
            dirty.remove(pipeline.rawValue)
            do {
                // In-process first, then across instances sharing the store (PostgreSQL's advisory lock): a trigger
                // at another instance waits for this pass and then runs its own, so no webhook is lost.
                try await locks.withLock("pipeline:\(pipeline)") {
                    try await self.store.withPipelineLock(pipeline) { try await self.reconcile(pipeline) }
                }
            } catch {
                logger.warning("reconciliation failed", metadata: ["pipeline": "\(pipeline)", "error": "\(error)"])
            }
        } while dirty.contains(pipeline.rawValue) && !stopping
        reconciling.remove(pipeline.rawValue)
    }

    // MARK: Reconciliation

    /// Fetches the pipeline's mirror and scans it; a repository that cannot be fetched or read is
    /// `repositoryUnavailable`, which says so (the GitError's message never holds a credential).
    func refreshAndScan(_ mirror: PipelineMirror, pipeline: ResourceName) async throws -> (Repository, PullRequestScan) {
        do throws(GitError) {
            let repository = try await mirror.refresh()
            return (repository, try await mirror.scan())
        } catch {
            throw OrchestrationError(.repositoryUnavailable,
                           "cannot read pipeline \(pipeline)'s repository: \(error.message)")
        }
    }

    func mirror(for pipeline: Pipeline) -> PipelineMirror {
        PipelineMirror(root: settings.mirrorsDirectory, pipeline: pipeline.name.rawValue,
                       origin: pipeline.repository, targetBranch: pipeline.targetBranch)
    }

    /// One pass over the pipeline: fetch, test-merge, then bring each pull request's test run, check and
    /// review app in line with what the refs and the pull-request records say.
    /// Fetches once, then carries out `Reconciler`'s decision for every pull request.
    private func reconcile(_ name: ResourceName) async throws {
        let pipeline = try await store.pipeline(named: name)
        let mirror = mirror(for: pipeline)
        let repository = try await mirror.refresh()
        let scan = try await mirror.scan()
        let branchNames = try await Self.branchNames(in: repository, except: mirror.targetRef)
        // Pull requests that still have something to retire: a live review app or a running test run.
        let withReviewApps = Set(try await store.apps(inPipeline: name).compactMap { app in
            app.review.flatMap { $0.state == .destroyed ? nil : $0.prNumber }
        })
        // With instances sharing the store, a run of another instance counts too (its owner stops it once it is ended).
        let unfinishedRuns: Set<Int> = settings.instanceID == nil ? []
            : Set(try await store.pullRequestsWithUnfinishedTestRuns(pipeline: name))
        let needsRetiring = { (number: Int) in
            withReviewApps.contains(number) || unfinishedRuns.contains(number)
                || self.runningTests.commit(of: PullRequestKey(pipeline: name.rawValue, number: number)) != nil
        }
        var seen: Set<Int> = []
        for status in scan.pullRequests {
            seen.insert(status.number)
            let record = try await recordScanned(status, pipeline: name, branch: branchNames[status.head])
            let decision = Reconciler.decide(record, status: status, forkPolicy: pipeline.forkPullRequests,
                                             targetBranch: pipeline.targetBranch,
                                             hasSomethingToRetire: needsRetiring(status.number))
            try await carryOut(decision, record: record, status: status, pipeline: pipeline, mirror: mirror)
        }
        for record in try await store.pullRequests(pipeline: name, state: nil) where !seen.contains(record.number) {
            let decision = Reconciler.decideGone(record, hasSomethingToRetire: needsRetiring(record.number))
            try await carryOut(decision, record: record, status: nil, pipeline: pipeline, mirror: mirror)
        }
        try await reapIfDue(pipeline: pipeline)
    }

    /// Creates the record of a pull request seen for the first time and follows its head.
    /// A pull request first seen by polling is named after the branch whose tip is its head (when exactly one
    /// is), else `pr-<N>`; a webhook names it with GitHub's head ref.
    private func recordScanned(_ status: PullRequestStatus, pipeline: ResourceName, branch: String?) async throws -> PullRequestRecord {
        let stored = try await store.updatePullRequest(pipeline: pipeline, number: status.number) { record in
            // nil: unchanged, nothing to write.
            record = Reconciler.followHead(record, status: status, pipeline: pipeline, branch: branch)
        }
        guard let stored else { throw StoreError(.database, "pull request #\(status.number) was not stored") }
        return stored
    }

    /// Branch names by tip, for tips exactly one branch (other than the target) points at.
    private static func branchNames(in repository: Repository, except target: String) async throws -> [ObjectID: String] {
        var names: [ObjectID: String] = [:]
        var ambiguous: Set<ObjectID> = []
        for branch in try await repository.branches() where branch.name != target {
            if names[branch.target] != nil { ambiguous.insert(branch.target) }
            names[branch.target] = String(branch.name.dropFirst("refs/heads/".count))
        }
        for tip in ambiguous { names[tip] = nil }
        return names
    }

    /// Does what the reconciler decided for one pull request. `status` is nil for one whose ref is gone.
    private func carryOut(_ decision: Reconciler.Decision, record: PullRequestRecord, status: PullRequestStatus?,
                          pipeline: Pipeline, mirror: PipelineMirror) async throws {
        let key = PullRequestKey(pipeline: pipeline.name.rawValue, number: record.number)
        switch decision {
        case .leave:
            break
        case .retire:
            retire(key)
        case .markMerged(let retireWork):
            _ = try await store.updatePullRequest(pipeline: pipeline.name, number: record.number) { $0?.state = .merged }
            if retireWork { retire(key) }
        case .close:
            _ = try await store.updatePullRequest(pipeline: pipeline.name, number: record.number) { $0?.state = .closed }
            retire(key)
        case .hold(let policy, let retireWork):
            try await hold(record, status: status, policy: policy, pipeline: pipeline.name, retire: retireWork)
        case .test(let merge):
            guard let status else { return }
            try await ensureTestRun(record, status: status, merge: merge, pipeline: pipeline, mirror: mirror)
            try await ensureReviewApp(record, merge: merge, pipeline: pipeline, mirror: mirror)
        case .failHead(let state, let description):
            cancelTestRun(key)
            try await ensureHeadCheck(record, pipeline: pipeline.name, state: state, description: description)
        }
    }

    /// Records `ci` on the head unless its latest status says the same already (reconciliation is idempotent).
    private func ensureHeadCheck(_ record: PullRequestRecord, pipeline: ResourceName, state: CheckState, description: String) async throws {
        try await checks.recordIfChanged(pipeline: pipeline, commit: record.headCommit, state: state, description: description)
    }

    /// Stops a pull request's work and destroys its review app (closed, merged or gone).
    func retire(_ key: PullRequestKey) {
        cancelTestRun(key)
        spawn { await self.destroyReviewApp(key) }
        // With instances sharing the store, another one may run the pull request's test: end it there too.
        if settings.instanceID != nil { spawn { await self.cancelTestRunsElsewhere(key) } }
    }

    private func reapIfDue(pipeline: Pipeline) async throws {
        let now = ContinuousClock.now
        if let last = lastReap[pipeline.name.rawValue], now - last < settings.reaperInterval { return }
        lastReap[pipeline.name.rawValue] = now
        try await reapStaleReviewApps(pipeline: pipeline)
    }
}
