import Foundation
import Processes
import Sharding

/// What every worker of a run shares.
struct WorkerContext: Sendable {
    let configuration: TestSuiteConfiguration
    let options: RunOptions
    let factory: WorkspaceFactory
    let collector: ReportCollector
    let files: [String]
    let estimates: [String: Double]
    let total: Int
    /// When the run started: batch start offsets are measured from it.
    let runStarted: ContinuousClock.Instant
    /// `RunOptions.workerEnvironment` of each worker (by index), asked once when the run starts.
    let extraEnvironments: [Int: [String: String]]
}

/// One worker slot: make its workspace and process group, run `test-setup`, then batches until its work source
/// has no more, and finally end every process the worker started. The same loop runs a local worker of
/// `ci run` and `serve` (its source is the run's `Dispatcher`) and a slot of `slipway worker` on another machine
/// (its source is a lease on the service): the workspace, environment, sandbox and reports are this code's.
struct WorkerLoop: Sendable {
    enum Exit: Sendable {
        case finished
        /// The run is stopping (fail-fast, timeout); the other workers must be cancelled.
        case stopping
        case failed(TestRunError)
    }

    let index: Int
    let context: WorkerContext
    let source: any WorkSource

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
            await source.setupFailed(error)
            return .failed(error)
        } catch {
            let error = TestRunError(.process, "worker \(index): \(error)", worker: index)
            await source.setupFailed(error)
            return .failed(error)
        }
        let exit = await work(in: workspace, group: group, started: started)
        await group.terminate()
        return exit
    }

    private func work(in workspace: Workspace, group: ProcessGroup, started: ContinuousClock.Instant) async -> Exit {
        let configuration = context.configuration
        let options = context.options
        let total = context.total
        let extra = context.extraEnvironments[index] ?? [:]
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
                let failure = TestRunError(.process, "worker \(index) could not start test-setup: \(error.message)",
                                           worker: index)
                await source.setupFailed(failure)
                return .failed(failure)
            }
            if Task.isCancelled { return .finished }
            if !termination.succeeded {
                let failure = TestRunError(.setupFailed, "test-setup failed on worker \(index) (\(termination))",
                                           worker: index, outputTail: OutputTail.read(log))
                await source.setupFailed(failure)
                return .failed(failure)
            }
        }
        await source.ready(seconds: (ContinuousClock.now - started).seconds)
        let runner = BatchRunner(configuration: configuration, workspace: workspace, group: group,
                                 environment: environment, collector: context.collector, knownFiles: context.files,
                                 estimates: context.estimates, worker: index)
        var sequence = 0
        while let item = await source.next() {
            sequence += 1
            let startOffset = (ContinuousClock.now - context.runStarted).seconds
            let outcome: BatchRunner.Outcome
            do {
                outcome = try await runner.run(item, sequence: sequence)
            } catch {
                await source.batchFailed(item, error: error)
                return .failed(error)
            }
            let keepGoing = await source.complete(item, outcome: outcome, startOffset: startOffset)
            if !keepGoing { return outcome.interrupted ? .finished : .stopping }
        }
        return await source.isStopping() ? .stopping : .finished
    }
}
