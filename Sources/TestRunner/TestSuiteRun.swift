import Foundation
import Processes
import Sharding

/// One sharded run of an app's test suite on up to 32 workers: local ones, and under `serve` with
/// `RunOptions.remote` also slots leased by remote workers (`RemoteSlotLoop`).
///
/// The app directory is tested as it is. Each worker gets its own workspace, `HOME`, `TMPDIR` and process
/// group; `test-setup` runs once per worker, then the worker runs batches of files until the split is done.
/// When `run()` returns or throws, every process the run started has exited.
public struct TestSuiteRun: Sendable {
    public let appDirectory: URL
    public let configuration: TestSuiteConfiguration
    public let options: RunOptions
    public let observer: (any TestRunObserver)?

    public init(appDirectory: URL, configuration: TestSuiteConfiguration, options: RunOptions,
                observer: (any TestRunObserver)? = nil) {
        self.appDirectory = appDirectory.standardizedFileURL
        self.configuration = configuration
        self.options = options
        self.observer = observer
    }

    /// Runs the suite. Test failures are a `failed` result; configuration problems throw before anything
    /// starts; a setup failure is an `error` result; cancellation (Ctrl-C) stops everything and throws `.cancelled`.
    public func run() async throws(TestRunError) -> TestRunResult {
        let started = ContinuousClock.now
        try configuration.validate()
        let split = configuration.effectiveSplit
        let files = try discoverFiles()
        let collector = ReportCollector(junitGlob: try configuration.junitPattern.map { pattern throws(TestRunError) in
            do { return try Glob(pattern) } catch { throw TestRunError(.configuration, "slipway.tests.junit: \(error)") }
        })
        let (history, historyProblem) = switch options.history {
        case .file(let url): TimingHistoryStore.load(url)
        case .given(let history): (history, nil)
        }
        if let historyProblem { observer?.handle(.warning(historyProblem)) }
        let estimates = Self.estimates(files: files, history: history, split: split, appDirectory: appDirectory)
        let workers = configuration.workers
        let active = split == .env ? workers : min(workers, files.count)
        // Without remote slots every slot is local, as always.
        let local = options.remote.map { min(active, max(0, $0.localSlots)) } ?? active
        if let warning = Self.oversubscription(workers: local, cores: ProcessInfo.processInfo.activeProcessorCount) {
            observer?.handle(.warning(warning))
        }

        let runDirectory = options.scratchDirectory.appendingPathComponent("slipway-run-\(options.identity.id)").path
        do {
            try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        } catch {
            throw TestRunError(.workspace, "cannot create the run directory \(runDirectory): \(error.localizedDescription)")
        }
        defer { if !options.keepRunDirectory { try? FileManager.default.removeItem(atPath: runDirectory) } }
        if options.remote != nil, local < active {
            try await TreeArchive.make(of: appDirectory.path, at: runDirectory + "/tree.tar")
        }
        let factory = try await WorkspaceFactory.make(source: appDirectory.path, runDirectory: runDirectory,
                                                      strategy: options.workspaceStrategy, sandbox: options.sandbox,
                                                      network: configuration.sandboxNetwork)

        let dispatcher = Dispatcher(split: split, files: files, estimates: estimates, workers: workers,
                                    retries: configuration.retries, failFast: options.failFast, observer: observer,
                                    batchStartup: history.batchStartup,
                                    sizeEstimates: Self.estimatesBySize(files: files, history: history, split: split),
                                    remoteSlots: local < active)
        let estimated = split == .env ? nil : ShardPlanner.makespan(
            of: ShardPlanner.balanced(files: files, estimates: estimates, workers: workers), estimates: estimates)
        observer?.handle(.started(files: files.count, workers: workers, split: split,
                                  workspace: factory.strategyName, estimatedSeconds: history.isEmpty ? nil : estimated))

        let extraEnvironments = (0..<workers).map { options.workerEnvironment($0) }
        let context = WorkerContext(configuration: configuration, options: options, factory: factory,
                                    collector: collector, files: files, estimates: estimates, total: workers,
                                    runStarted: started,
                                    extraEnvironments: Dictionary(uniqueKeysWithValues: extraEnvironments.enumerated().map { ($0, $1) }))
        var remoteLoops: [RemoteSlotLoop] = []
        let archive = URL(fileURLWithPath: runDirectory + "/tree.tar")
        // With no local slot the run is queued until a worker leases one of its slots.
        let start = options.remote.flatMap { remote in local == 0 && active > 0 ? RunStart(onStart: remote.onStart) : nil }
        if let remote = options.remote, local < active {
            let tree = remote.treeID ?? options.identity.id
            await remote.board.register(tree: tree, archive: archive)
            remoteLoops = (local..<active).map { slot in
                RemoteSlotLoop(slot: slot, board: remote.board, dispatcher: dispatcher,
                               template: remoteTemplate(slot: slot, total: workers, tree: tree, files: files,
                                                        estimates: estimates, extra: extraEnvironments[slot],
                                                        heartbeat: remote.board.heartbeat),
                               runStarted: started, start: start)
            }
        }
        let firstError = await runWorkers(local: local, remote: remoteLoops, context: context, dispatcher: dispatcher,
                                          start: start)
        if let remote = options.remote, local < active {
            await remote.board.unregister(tree: remote.treeID ?? options.identity.id, archive: archive)
        }
        await factory.cells.removeAll()
        if Task.isCancelled { throw TestRunError(.cancelled, "the run was interrupted; every test process was stopped") }

        let ledger = await dispatcher.ledger
        let stopReason = await dispatcher.stopReason
        let results = ledger.results
        // Only a queue run's batches vary in size enough to separate start-up from per-file collection.
        let batchStartup = split == .queue ? await dispatcher.startup.startup : nil
        recordHistory(history, results: results, batchStartup: batchStartup,
                      timedOut: { if case .timeout = stopReason { true } else { false } }())
        let ran = Set(results.map(\.path))
        let status: RunReport.Status = firstError != nil ? .error
            : (results.contains { $0.status == .failed } || stopReason != nil ? .failed : .passed)
        var masker = configuration.secretMasker
        masker.add(extraEnvironments.flatMap(\.values))
        return TestRunResult(
            status: status,
            files: results.map(masker.apply),
            workers: ledger.workers.enumerated().map { index, tally in
                RunReport.Worker(index: index, files: tally.files, seconds: TestRunResult.rounded(tally.seconds))
            },
            wallSeconds: (ContinuousClock.now - (start?.instant ?? started)).seconds,
            error: firstError.map(masker.apply),
            stopReason: stopReason.map(Self.describe),
            notRun: files.filter { !ran.contains($0) },
            split: split,
            workspaceStrategy: factory.strategyName,
            runDirectory: runDirectory,
            batchStartupSeconds: batchStartup)
    }

    private func discoverFiles() throws(TestRunError) -> [String] {
        guard !configuration.filePatterns.isEmpty else { return [] }
        let discovery: TestDiscovery
        do {
            discovery = try TestDiscovery(patterns: configuration.filePatterns)
        } catch {
            throw TestRunError(.configuration, "slipway.tests.files: \(error)")
        }
        let files = discovery.files(in: try TreeListing.files(in: appDirectory, excluding: WorkspaceFactory.excludedEntries))
        if files.isEmpty && configuration.effectiveSplit != .env {
            throw TestRunError(.configuration, "slipway.tests.files (\(configuration.filePatterns.joined(separator: ", "))) "
                               + "matched no file in \(appDirectory.path); a run with no tests cannot pass")
        }
        return files
    }

    /// Runs the workers (and the timeout) and returns the first error (a failed setup, a workspace that
    /// could not be made). Any stop — error, `--fail-fast`, timeout, cancellation — cancels every worker, and
    /// cancelled workers terminate their process groups before their tasks end.
    private func runWorkers(local: Int, remote: [RemoteSlotLoop], context: WorkerContext,
                            dispatcher: Dispatcher, start: RunStart?) async -> TestRunError? {
        let active = local + remote.count
        enum Finish: Sendable {
            case worker(WorkerLoop.Exit)
            case timer
        }
        return await withTaskGroup(of: Finish.self) { group in
            for worker in 0..<local {
                let source = DispatcherWorkSource(dispatcher: dispatcher, worker: worker)
                group.addTask { .worker(await WorkerLoop(index: worker, context: context, source: source).run()) }
            }
            for loop in remote {
                group.addTask { .worker(await loop.run()) }
            }
            if let timeout = options.timeout {
                group.addTask {
                    do {
                        // A queued run's time starts when it does.
                        try await start?.wait()
                        try await Task.sleep(for: timeout)
                        await dispatcher.stop(.timeout(seconds: timeout.seconds))
                    } catch {}
                    return .timer
                }
            }
            var finishedWorkers = 0
            var firstError: TestRunError?
            for await finish in group {
                switch finish {
                case .timer:
                    if await dispatcher.stopReason != nil { group.cancelAll() }
                case .worker(let exit):
                    finishedWorkers += 1
                    switch exit {
                    case .finished:
                        break
                    case .stopping:
                        group.cancelAll()
                    case .failed(let error):
                        if firstError == nil { firstError = error }
                        group.cancelAll()
                    }
                    // The last worker is done: the timer has nothing left to watch.
                    if finishedWorkers == active { group.cancelAll() }
                }
            }
            return firstError
        }
    }

    /// What a remote worker is told about a slot of this run (the board fills in the lease).
    private func remoteTemplate(slot: Int, total: Int, tree: String, files: [String], estimates: [String: Double],
                                extra: [String: String], heartbeat: Duration) -> LeasedSlot {
        LeasedSlot(lease: "", run: options.identity.id, slot: slot, total: total, tree: tree,
                   setupCommand: configuration.setupCommand, testCommand: configuration.testCommand,
                   environment: configuration.environment, extraEnvironment: extra, knownFiles: files,
                   estimates: estimates, junitPattern: configuration.junitPattern,
                   sandboxNetwork: configuration.sandboxNetwork.rawValue, branch: options.identity.branch,
                   commit: options.identity.commitVersion, heartbeatSeconds: heartbeat.seconds)
    }

    /// Recorded durations; for a `queue` split with no history for any of its files, file sizes instead
    /// (`timings` keeps equal weights then, as documented).
    static func estimates(files: [String], history: TimingHistory, split: SplitMode,
                          appDirectory: URL) -> [String: Double] {
        guard estimatesBySize(files: files, history: history, split: split) else { return history.estimates(for: files) }
        var sizes: [String: Int] = [:]
        for file in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: appDirectory.appendingPathComponent(file).path)
            sizes[file] = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        }
        return SizePrior.estimates(sizes: sizes)
    }

    /// A `queue` split with no history for any of its files estimates them by size.
    static func estimatesBySize(files: [String], history: TimingHistory, split: SplitMode) -> Bool {
        split == .queue && !files.contains { history.recordedEstimate(for: $0) != nil }
    }

    /// The warning for more workers than cores: CPU-bound suites get slower, not faster.
    static func oversubscription(workers: Int, cores: Int) -> String? {
        guard workers > cores else { return nil }
        return "\(workers) workers on \(cores) CPU core\(cores == 1 ? "" : "s"): a CPU-bound suite runs slower than "
            + "with \(cores) (the workers take turns on the cores and each pays its own start-up); more workers "
            + "than cores only help tests that wait (sleep, network, a database on another machine)"
    }

    private func recordHistory(_ history: TimingHistory, results: [FileResult], batchStartup: Double?, timedOut: Bool) {
        var history = history
        var durations: [String: Double] = [:]
        for result in results where !result.path.hasPrefix("(shard ") {
            if timedOut && result.status == .failed { continue }
            durations[result.path] = result.seconds
        }
        if let batchStartup { durations[TimingHistory.batchStartupKey] = batchStartup }
        guard !durations.isEmpty, case .file(let historyFile) = options.history else { return }
        history.record(durations)
        do {
            try TimingHistoryStore.save(history, to: historyFile)
        } catch {
            observer?.handle(.warning("could not write the timing history \(historyFile.path): "
                                      + "\(error.localizedDescription); the next run plans without it"))
        }
    }

    static func describe(_ reason: Dispatcher.StopReason) -> String {
        switch reason {
        case .failFast(let file): "stopped by --fail-fast after \(file) failed"
        case .timeout(let seconds): "stopped: the run timed out after \(Int(seconds)) s"
        case .setupFailed(let worker): "stopped: test-setup failed on worker \(worker)"
        case .cancelled: "interrupted"
        }
    }
}
