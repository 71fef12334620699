/// Where a worker slot's batches come from and where their results go (`WorkerLoop`): the run's `Dispatcher`
/// for a slot of this process (`DispatcherWorkSource`), a lease on the service for a slot of `slipway worker`
/// (`LeasedWorkSource`).
protocol WorkSource: Sendable {
    /// The slot could not get ready (its workspace, process group or `test-setup`): the run stops.
    func setupFailed(_ error: TestRunError) async
    /// The slot is ready after `seconds` (workspace made, `test-setup` passed).
    func ready(seconds: Double) async
    /// The next batch; nil when there is no more for this slot.
    func next() async -> WorkItem?
    /// A batch could not even start: the run stops.
    func batchFailed(_ item: WorkItem, error: TestRunError) async
    /// Records a finished batch; false when the slot must stop.
    func complete(_ item: WorkItem, outcome: BatchRunner.Outcome, startOffset: Double) async -> Bool
    /// Whether the run is stopping (fail-fast, a timeout, a failed setup).
    func isStopping() async -> Bool
}

/// A local worker's source: the run's dispatcher, under the worker's index.
struct DispatcherWorkSource: WorkSource {
    let dispatcher: Dispatcher
    let worker: Int

    func setupFailed(_ error: TestRunError) async {
        await dispatcher.stop(.setupFailed(worker: worker))
    }

    func ready(seconds: Double) async {
        await dispatcher.workerReady(worker, seconds: seconds)
    }

    /// A cancelled worker (Ctrl-C) stops the dispatcher so no one waits on it.
    func next() async -> WorkItem? {
        let dispatcher = dispatcher
        let worker = worker
        return await withTaskCancellationHandler {
            await dispatcher.next(worker: worker)
        } onCancel: {
            Task { await dispatcher.stop(.cancelled) }
        }
    }

    func batchFailed(_ item: WorkItem, error: TestRunError) async {
        await dispatcher.complete(item, verdicts: [], seconds: [:], worker: worker, outputTail: "", interrupted: true)
        await dispatcher.stop(.setupFailed(worker: worker))
    }

    func complete(_ item: WorkItem, outcome: BatchRunner.Outcome, startOffset: Double) async -> Bool {
        await dispatcher.addBusyTime(outcome.wallSeconds, worker: worker)
        return await dispatcher.complete(item, verdicts: outcome.verdicts, seconds: outcome.seconds, worker: worker,
                                         outputTail: outcome.outputTail, interrupted: outcome.interrupted,
                                         startOffset: startOffset, wallSeconds: outcome.wallSeconds)
    }

    func isStopping() async -> Bool {
        await dispatcher.stopReason != nil
    }
}
