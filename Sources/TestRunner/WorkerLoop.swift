import Foundation
import Processes
import Sharding

/// What every worker of a run shares.
struct WorkerContext: Sendable {
    let configuration: TestSuiteConfiguration
    let options: RunOptions
    let factory: WorkspaceFactory
    let dispatcher: Dispatcher
    let collector: ReportCollector
    let files: [String]
    let estimates: [String: Double]
    let total: Int
    /// When the run started: batch start offsets are measured from it.
    let runStarted: ContinuousClock.Instant
    /// `RunOptions.workerEnvironment` of each worker, asked once when the run starts.
    let extraEnvironments: [[String: String]]
}

/// One worker: make its workspace and process group, run `test-setup`, then batches until the dispatcher
/// has no more work, and finally end every process the worker started.
struct WorkerLoop: Sendable {
    enum Exit: Sendable {
        case finished
        /// The run is stopping (fail-fast, timeout); the other workers must be cancelled.
        case stopping
        case failed(TestRunError)
    }

    let index: Int
    let context: WorkerContext

    func run() async -> Exit {
        let started = ContinuousClock.now
        let factory = context.factory
        let index = index
        let workspace: Workspace
        let group: ProcessGroup
        do {
            workspace = try await Offload.run { () throws(TestRunError) in try factory.make(worker: index) }
            group = try ProcessGroup(terminationGrace: context.options.terminationGrace)
        } catch let error as TestRunError {
            await context.dispatcher.stop(.setupFailed(worker: index))
            return .failed(error)
        } catch {
            await context.dispatcher.stop(.setupFailed(worker: index))
            return .failed(TestRunError(.process, "worker \(index): \(error)", worker: index))
        }
        let exit = await work(in: workspace, group: group, started: started)
        await group.terminate()
        return exit
    }

    private func work(in workspace: Workspace, group: ProcessGroup, started: ContinuousClock.Instant) async -> Exit {
        let dispatcher = context.dispatcher
        let configuration = context.configuration
        let options = context.options
        let total = context.total
        let extra = index < context.extraEnvironments.count ? context.extraEnvironments[index] : [:]
        let environment: @Sendable (Int) -> [String: String] = { shard in
            WorkerEnvironment.make(base: options.baseEnvironment, suite: configuration.environment, shard: shard,
                                   total: total, identity: options.identity, workspace: workspace, extra: extra)
        }
        if Task.isCancelled { return .finished }
        if let setup = configuration.setupCommand, !setup.trimmingCharacters(in: .whitespaces).isEmpty {
            let log = workspace.logs + "/test-setup.log"
            let spec = workspace.process(for: setup, environment: environment(index), outputPath: log)
            let termination: Termination
            do {
                termination = try await group.run(spec)
            } catch {
                await dispatcher.stop(.setupFailed(worker: index))
                return .failed(TestRunError(.process, "worker \(index) could not start test-setup: \(error.message)",
                                            worker: index))
            }
            if Task.isCancelled { return .finished }
            if !termination.succeeded {
                await dispatcher.stop(.setupFailed(worker: index))
                return .failed(TestRunError(.setupFailed, "test-setup failed on worker \(index) (\(termination))",
                                            worker: index, outputTail: OutputTail.read(log)))
            }
        }
        let ready = (ContinuousClock.now - started).seconds
        await dispatcher.workerReady(index, seconds: ready)
        let runner = BatchRunner(configuration: configuration, workspace: workspace, group: group,
                                 environment: environment, collector: context.collector, knownFiles: context.files,
                                 estimates: context.estimates, worker: index)
        var sequence = 0
        while let item = await nextItem() {
            sequence += 1
            let startOffset = (ContinuousClock.now - context.runStarted).seconds
            let outcome: BatchRunner.Outcome
            do {
                outcome = try await runner.run(item, sequence: sequence)
            } catch {
                await dispatcher.complete(item, verdicts: [], seconds: [:], worker: index, outputTail: "",
                                          interrupted: true)
                await dispatcher.stop(.setupFailed(worker: index))
                return .failed(error)
            }
            await dispatcher.addBusyTime(outcome.wallSeconds, worker: index)
            let keepGoing = await dispatcher.complete(item, verdicts: outcome.verdicts, seconds: outcome.seconds,
                                                      worker: index, outputTail: outcome.outputTail,
                                                      interrupted: outcome.interrupted, startOffset: startOffset,
                                                      wallSeconds: outcome.wallSeconds)
            if !keepGoing { return outcome.interrupted ? .finished : .stopping }
        }
        return await dispatcher.stopReason == nil ? .finished : .stopping
    }

    /// The dispatcher's next item; a cancelled worker (Ctrl-C) stops the dispatcher so no one waits on it.
    private func nextItem() async -> WorkItem? {
        let dispatcher = context.dispatcher
        let index = index
        return await withTaskCancellationHandler {
            await dispatcher.next(worker: index)
        } onCancel: {
            Task { await dispatcher.stop(.cancelled) }
        }
    }
}
