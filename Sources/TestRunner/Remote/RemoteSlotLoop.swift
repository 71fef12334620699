import Foundation

/// One slot of a run that a remote worker fills: offers the slot on the lease board, and once a worker leases it,
/// passes the dispatcher's batches to the worker and its reports back to the dispatcher, exactly as a local
/// `WorkerLoop` would take and complete them. When the lease is lost (the worker went silent, handed it back, or
/// its token was revoked), the batch in flight goes back to the dispatcher and the slot is offered again. The slot
/// ends when the dispatcher has nothing left for it.
struct RemoteSlotLoop: Sendable {
    let slot: Int
    let board: LeaseBoard
    let dispatcher: Dispatcher
    /// The slot's description for a worker (its lease id filled in by the board).
    let template: LeasedSlot
    let runStarted: ContinuousClock.Instant
    /// Set for a run with no local slot: told when this slot is leased, so the run leaves `queued`.
    var start: RunStart? = nil

    private enum Served { case lost, exit(WorkerLoop.Exit) }

    func run() async -> WorkerLoop.Exit {
        while true {
            guard let lease = await lease() else {
                return await dispatcher.stopReason == nil ? .finished : .stopping
            }
            await start?.slotLeased()
            let board = board
            let served = await withTaskCancellationHandler {
                await serve(lease)
            } onCancel: {
                // The run is stopping: the worker's next call is told so, and its waiters here wake.
                Task { await board.end(lease, .done) }
            }
            if case .exit(let exit) = served { return exit }
        }
    }

    /// Offers the slot until a worker leases it; nil once the dispatcher has nothing left (or the run stops).
    private func lease() async -> String? {
        let offer = await board.offer(template)
        while true {
            let drained = await dispatcher.isDrained
            if Task.isCancelled || drained {
                if let claimed = await board.withdraw(offer: offer) { await board.end(claimed, .done) }
                return nil
            }
            if let lease = await board.waitForClaim(offer: offer, timeout: .milliseconds(250)) { return lease }
        }
    }

    private func serve(_ lease: String) async -> Served {
        // A worker still setting up when the other slots have done everything is not waited for.
        var report: SetupReport?
        while report == nil {
            switch await board.awaitSetup(lease: lease, within: .milliseconds(500)) {
            case .report(let made): report = made
            case .lost: return .lost
            case .pending:
                if await dispatcher.isDrained {
                    await board.end(lease, .done)
                    return .exit(await dispatcher.stopReason == nil ? .finished : .stopping)
                }
            }
        }
        guard let setup = report else { return .lost }
        guard setup.succeeded else {
            await board.end(lease, .done)
            await dispatcher.stop(.setupFailed(worker: slot))
            return .exit(.failed(TestRunError(.setupFailed, "test-setup failed on worker \(slot) (a remote worker): "
                                              + (setup.message ?? "it exited unsuccessfully"),
                                              worker: slot, outputTail: setup.outputTail ?? "")))
        }
        await dispatcher.workerReady(slot, seconds: setup.seconds)
        var sequence = 0
        while true {
            if Task.isCancelled { return .exit(.finished) }
            guard let item = await dispatcher.next(worker: slot) else {
                await board.end(lease, .done)
                return .exit(await dispatcher.stopReason == nil ? .finished : .stopping)
            }
            sequence += 1
            // A queued run's clock starts when it does, so its timeline and wall time leave the wait out.
            let startOffset = (ContinuousClock.now - (start?.instant ?? runStarted)).seconds
            guard let report = await board.assign(lease: lease, batch: LeasedBatch(sequence: sequence, item: item)),
                  let verdicts = report.fileVerdicts else {
                await dispatcher.abandon(item, worker: slot)
                return .lost
            }
            if report.interrupted {
                // The worker stopped mid-batch (SIGTERM): the batch left no result and runs again elsewhere.
                await dispatcher.abandon(item, worker: slot)
                await board.end(lease, .released)
                return .lost
            }
            await dispatcher.addBusyTime(report.wallSeconds, worker: slot)
            let keepGoing = await dispatcher.complete(item, verdicts: verdicts, seconds: report.seconds, worker: slot,
                                                      outputTail: report.outputTail, interrupted: report.interrupted,
                                                      startOffset: startOffset, wallSeconds: report.wallSeconds)
            if !keepGoing {
                await board.end(lease, .done)
                return .exit(.stopping)
            }
        }
    }
}
