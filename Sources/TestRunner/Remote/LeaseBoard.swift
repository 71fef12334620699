import Foundation

/// The service's book of remote test workers and their leases: which workers exist and heartbeat, which run slots
/// wait for a worker (offers), which worker slot holds which lease, and the batches and reports passing through
/// each lease. One per service; the HTTP routes (worker side) and the runs' `RemoteSlotLoop`s (run side) meet here.
///
/// Every record is a plain value keyed by a string id (workers by name, leases by id, offers by number), with
/// times kept as deadlines: the same rows a PostgreSQL table could hold (`workers`, `slot_offers`, `leases`) when
/// several service instances share the work; the continuations are only this process's waiters on those rows.
public actor LeaseBoard {
    /// How often a worker heartbeats; its leases expire after two intervals without a call.
    public nonisolated let heartbeat: Duration
    private var workers: [String: WorkerRecord] = [:]
    private var offers: [Int: Offer] = [:]
    private var nextOffer = 1
    private var claims: [ClaimWaiter] = []
    private var leases: [String: LeaseRecord] = [:]
    /// Leases that ended, and why, so a late call is told 410 Gone rather than 404 (the most recent 10,000).
    private var ended: [String: LeaseEnd] = [:]
    private var endedOrder: [String] = []
    /// Each offered tree's archives, one per run offering it (two runs may test the same tree at once).
    private var trees: [String: [URL]] = [:]
    private var nextWaiter = 1

    public init(heartbeat: Duration = .seconds(5)) {
        self.heartbeat = heartbeat
    }

    /// How often expiry is checked: an eighth of the heartbeat interval.
    var sweepInterval: Duration { max(heartbeat / 8, .milliseconds(25)) }

    /// Expiry: a lease ends at most two heartbeat intervals after the worker's last call (its lifetime plus one
    /// sweep), while a heartbeat up to seven eighths of an interval late still keeps it.
    var leaseLifetime: Duration { heartbeat * 2 - sweepInterval }

    // MARK: Workers

    /// Registers a worker or records its heartbeat (`PUT /workers/{name}`), extending every lease it holds.
    /// `token` names the API token it called with: only calls with that token may use its leases.
    public func heartbeat(worker name: String, slots: Int, token: String) -> WorkerView {
        let now = ContinuousClock.now
        if var record = workers[name] {
            if record.token != token {
                // Another token took the name over: what the old one leased is no longer its.
                for lease in record.leases { end(lease, .released) }
                record.leases = []
                record.token = token
            }
            record.slots = slots
            record.lastSeen = (now, Date())
            workers[name] = record
        } else {
            workers[name] = WorkerRecord(name: name, slots: slots, token: token, lastSeen: (now, Date()))
        }
        matchClaims()
        return view(of: workers[name]!)
    }

    /// Stops new leases to a worker; what it holds finishes.
    public func drain(worker name: String) throws(LeaseBoardError) -> WorkerView {
        guard workers[name] != nil else { throw .unknownWorker }
        workers[name]!.draining = true
        for index in claims.indices.reversed() where claims[index].worker == name {
            claims.remove(at: index).continuation.resume(returning: nil)
        }
        return view(of: workers[name]!)
    }

    /// Every worker, by name.
    public func workerViews() -> [WorkerView] {
        workers.keys.sorted().map { view(of: workers[$0]!) }
    }

    /// A revoked token's workers are forgotten and their leases released at once: their batches go back to the runs.
    public func revoke(token: String) {
        for (name, record) in workers where record.token == token {
            for lease in record.leases { end(lease, .revoked) }
            for index in claims.indices.reversed() where claims[index].worker == name {
                claims.remove(at: index).continuation.resume(returning: nil)
            }
            workers[name] = nil
        }
    }

    /// A long poll for a slot lease (`POST /workers/{name}/leases?wait=`): a waiting run slot, or nil after
    /// `wait` (also at once for a draining worker or one whose slots are all leased).
    public func claim(worker name: String, token: String, wait: Duration) async throws(LeaseBoardError) -> LeasedSlot? {
        try touch(worker: name, token: token)
        guard let record = workers[name], !record.draining, record.leases.count < record.slots else { return nil }
        if let slot = takeOffer(for: name) { return slot }
        guard wait > .zero else { return nil }
        let id = nextWaiter
        nextWaiter += 1
        let slot: LeasedSlot? = await withCheckedContinuation { continuation in
            claims.append(ClaimWaiter(id: id, worker: name, continuation: continuation))
            Task { [weak self] in
                try? await Task.sleep(for: wait)
                await self?.timeOutClaim(id)
            }
        }
        return slot
    }

    private func timeOutClaim(_ id: Int) {
        guard let index = claims.firstIndex(where: { $0.id == id }) else { return }
        claims.remove(at: index).continuation.resume(returning: nil)
    }

    // MARK: Trees

    /// Makes the archive of a tree downloadable while its run lasts.
    func register(tree id: String, archive: URL) { trees[id, default: []].append(archive) }

    /// The run's archive goes; the tree stays downloadable while another run offers it.
    func unregister(tree id: String, archive: URL) {
        trees[id]?.removeAll { $0 == archive }
        if trees[id]?.isEmpty == true { trees[id] = nil }
    }

    /// The archive of a tree a run offers (`GET /trees/{tree}`).
    public func archive(of tree: String) throws(LeaseBoardError) -> URL {
        guard let url = trees[tree]?.last else { throw .unknownTree }
        return url
    }

    // MARK: The run's side

    /// Offers a run slot to the workers; returns the offer's number.
    func offer(_ slot: LeasedSlot) -> Int {
        let id = nextOffer
        nextOffer += 1
        offers[id] = Offer(id: id, slot: slot)
        matchClaims()
        return id
    }

    /// The lease a worker took the offer with, waiting up to `timeout`; nil if none did by then.
    func waitForClaim(offer id: Int, timeout: Duration) async -> String? {
        guard let offer = offers[id] else { return nil }
        if let lease = offer.lease {
            offers[id] = nil
            return lease
        }
        return await withCheckedContinuation { continuation in
            offers[id]?.waiter = continuation
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.timeOutOffer(id)
            }
        }
    }

    private func timeOutOffer(_ id: Int) {
        guard let waiter = offers[id]?.waiter else { return }
        offers[id]?.waiter = nil
        waiter.resume(returning: nil)
    }

    /// Takes an offer back; returns the lease if a worker took it meanwhile (the caller ends it).
    func withdraw(offer id: Int) -> String? {
        guard let offer = offers.removeValue(forKey: id) else { return nil }
        offer.waiter?.resume(returning: nil)
        return offer.lease
    }

    /// The leased slot's `test-setup` report; nil when the lease ended first (expired, released, revoked).
    func awaitSetup(lease id: String) async -> SetupReport? {
        while true {
            switch await awaitSetup(lease: id, within: .seconds(3600)) {
            case .report(let report): return report
            case .lost: return nil
            case .pending: continue
            }
        }
    }

    /// The leased slot's `test-setup` report, `lost` when the lease ended first, or `pending` after `timeout`
    /// (the run may have finished meanwhile).
    func awaitSetup(lease id: String, within timeout: Duration) async -> SetupWait {
        guard let lease = leases[id] else { return .lost }
        if let report = lease.setup { return .report(report) }
        let waiterID = nextWaiter
        nextWaiter += 1
        return await withCheckedContinuation { continuation in
            leases[id]!.setupWaiter = SetupWaiter(id: waiterID, continuation: continuation)
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.timeOutSetupWait(lease: id, waiter: waiterID)
            }
        }
    }

    private func timeOutSetupWait(lease id: String, waiter: Int) {
        guard let current = leases[id]?.setupWaiter, current.id == waiter else { return }
        leases[id]?.setupWaiter = nil
        current.continuation.resume(returning: .pending)
    }

    /// Hands the slot its next batch and waits for the report; nil when the lease ended first.
    func assign(lease id: String, batch: LeasedBatch) async -> BatchReport? {
        guard leases[id] != nil else { return nil }
        leases[id]!.assignment = batch
        leases[id]!.report = nil
        if let waiter = leases[id]!.batchWaiter {
            leases[id]!.batchWaiter = nil
            waiter.continuation.resume(returning: .success(NextBatch(state: .batch, batch: batch)))
        }
        return await withCheckedContinuation { leases[id]?.reportWaiter = $0 }
    }

    /// Ends a lease: waiters on both sides wake, and later calls on it are answered 410 Gone (`done`: the slot's
    /// next batch call is told there is no more work instead).
    func end(_ id: String, _ reason: LeaseEnd) {
        guard let lease = leases.removeValue(forKey: id) else { return }
        workers[lease.worker]?.leases.remove(id)
        ended[id] = reason
        endedOrder.append(id)
        if endedOrder.count > 10_000 { ended[endedOrder.removeFirst()] = nil }
        lease.setupWaiter?.continuation.resume(returning: .lost)
        lease.reportWaiter?.resume(returning: nil)
        lease.batchWaiter?.continuation.resume(returning: reason == .done ? .success(.done) : .failure(.gone(reason)))
        matchClaims()
    }

    // MARK: The worker's side of a lease

    /// `POST /leases/{id}/setup`.
    public func reportSetup(lease id: String, token: String, _ report: SetupReport) throws(LeaseBoardError) {
        try touch(lease: id, token: token)
        guard leases[id]!.setup == nil else { throw .conflict("test-setup was reported already") }
        leases[id]!.setup = report
        if let waiter = leases[id]!.setupWaiter {
            leases[id]!.setupWaiter = nil
            waiter.continuation.resume(returning: .report(report))
        }
    }

    /// `POST /leases/{id}/batches?wait=`: the slot's next batch, waiting up to `wait` for one.
    public func nextBatch(lease id: String, token: String, wait: Duration) async throws(LeaseBoardError) -> NextBatch {
        if ended[id] == .done, leases[id] == nil { return .done }
        try touch(lease: id, token: token)
        guard leases[id]!.setup != nil else { throw .conflict("report test-setup before asking for batches") }
        if let batch = leases[id]!.assignment, leases[id]!.report == nil { return NextBatch(state: .batch, batch: batch) }
        guard wait > .zero else { return .wait }
        if let earlier = leases[id]!.batchWaiter {
            // A second poll replaces the first (the worker's earlier request timed out on its side).
            earlier.continuation.resume(returning: .success(.wait))
        }
        let waiterID = nextWaiter
        nextWaiter += 1
        let answer: Result<NextBatch, LeaseBoardError> = await withCheckedContinuation { continuation in
            leases[id]!.batchWaiter = BatchWaiter(id: waiterID, continuation: continuation)
            Task { [weak self] in
                try? await Task.sleep(for: wait)
                await self?.timeOutBatchWait(lease: id, waiter: waiterID)
            }
        }
        return try answer.get()
    }

    private func timeOutBatchWait(lease id: String, waiter: Int) {
        guard let current = leases[id]?.batchWaiter, current.id == waiter else { return }
        leases[id]?.batchWaiter = nil
        current.continuation.resume(returning: .success(.wait))
    }

    /// `PUT /leases/{id}/batches/{sequence}`.
    public func reportBatch(lease id: String, token: String, sequence: Int, _ report: BatchReport) throws(LeaseBoardError) {
        try touch(lease: id, token: token)
        guard let batch = leases[id]!.assignment, batch.sequence == sequence, leases[id]!.report == nil else {
            throw .conflict("batch \(sequence) is not the one this lease runs"
                            + (leases[id]!.assignment.map { " (that is \($0.sequence))" } ?? " (none is)"))
        }
        guard report.fileVerdicts != nil else { throw .invalid("verdicts", "a case's outcome must be passed, failed or skipped") }
        let expected = Set(batch.files)
        if batch.shard == nil, let stray = report.verdicts.first(where: { !expected.contains($0.file) }) {
            throw .invalid("verdicts", "'\(stray.file.prefix(200))' is not a file of batch \(sequence)")
        }
        leases[id]!.report = report
        if let waiter = leases[id]!.reportWaiter {
            leases[id]!.reportWaiter = nil
            waiter.resume(returning: report)
        }
    }

    /// `DELETE /leases/{id}`: the worker hands a lease back (it is stopping); a batch in flight goes back to the run.
    public func release(lease id: String, token: String) throws(LeaseBoardError) {
        try touch(lease: id, token: token)
        end(id, .released)
    }

    // MARK: Expiry

    /// Ends the leases of workers silent for `leaseLifetime`. `run()` calls it every `sweepInterval`.
    func sweep(now: ContinuousClock.Instant = .now) {
        for record in workers.values where now - record.lastSeen.instant > leaseLifetime {
            for lease in record.leases { end(lease, .expired) }
        }
    }

    /// Sweeps until cancelled (the service's shutdown).
    public func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: sweepInterval) } catch { return }
            sweep()
        }
    }

    // MARK: Bookkeeping

    /// Refreshes a worker's heartbeat on any call of its own.
    private func touch(worker name: String, token: String) throws(LeaseBoardError) {
        guard let record = workers[name], record.token == token else { throw .unknownWorker }
        workers[name]!.lastSeen = (.now, Date())
    }

    /// Checks a lease call: live (410 if it ended, 404 if it never was, or is another token's) and refreshes its
    /// worker's heartbeat.
    private func touch(lease id: String, token: String) throws(LeaseBoardError) {
        guard let lease = leases[id] else {
            if let reason = ended[id] { throw .gone(reason) }
            throw .unknownLease
        }
        try touch(worker: lease.worker, token: token)
    }

    /// Gives waiting offers to parked claims, oldest first.
    private func matchClaims() {
        var index = 0
        while index < claims.count {
            let claim = claims[index]
            guard let record = workers[claim.worker], !record.draining, record.leases.count < record.slots else {
                index += 1
                continue
            }
            guard let slot = takeOffer(for: claim.worker) else { return }
            claims.remove(at: index)
            claim.continuation.resume(returning: slot)
        }
    }

    /// The oldest open offer, leased to `worker`.
    private func takeOffer(for worker: String) -> LeasedSlot? {
        guard let id = offers.values.filter({ $0.lease == nil }).map(\.id).min() else { return nil }
        let lease = Self.newLeaseID()
        var slot = offers[id]!.slot
        slot.lease = lease
        slot.heartbeatSeconds = heartbeat.seconds
        leases[lease] = LeaseRecord(id: lease, worker: worker, slot: slot)
        workers[worker]!.leases.insert(lease)
        if let waiter = offers[id]!.waiter {
            offers[id] = nil
            waiter.resume(returning: lease)
        } else {
            offers[id]!.lease = lease
        }
        return slot
    }

    private static func newLeaseID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "lease-" + (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }

    private func view(of record: WorkerRecord) -> WorkerView {
        let lost = ContinuousClock.now - record.lastSeen.instant > leaseLifetime
        let work = record.leases.sorted().compactMap { id -> WorkerView.Work? in
            guard let lease = leases[id] else { return nil }
            let batch = lease.report == nil ? lease.assignment : nil
            return WorkerView.Work(run: lease.slot.run, slot: lease.slot.slot, batch: batch?.sequence,
                                   files: batch?.files.count ?? 0, ready: lease.setup != nil)
        }
        let state: WorkerView.State = lost ? .lost : (record.draining ? .draining : (work.isEmpty ? .idle : .busy))
        return WorkerView(name: record.name, slots: record.slots, state: state, lastHeartbeat: record.lastSeen.date,
                          work: work)
    }
}

/// What waiting for a slot's test-setup came to.
enum SetupWait: Sendable {
    case report(SetupReport)
    case lost
    case pending
}
