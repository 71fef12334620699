import Foundation
import Sandbox
import GitKit
import Platform
import Sharding
import SlipwayModel
import TestRunner

/// The `ci` check: one sharded test run per test merge commit.
extension PullRequestFlow {
    /// Starts a test run of `merge` unless one ran, runs or was decided for it already; a run of an older
    /// merge commit of the same pull request is cancelled (a newer push replaced it).
    func ensureTestRun(_ record: PullRequestRecord, status: PullRequestStatus, merge: ObjectID, pipeline: Pipeline,
                       mirror: PipelineMirror) async throws {
        let key = PullRequestKey(pipeline: pipeline.name.rawValue, number: record.number)
        if let running = runningTests.commit(of: key) {
            if running == merge.hex { return }
            cancelTestRun(key)
        }
        let runs = try await store.testRuns(pipeline: pipeline.name, prNumber: record.number, limit: 50)
        let decided = runs.contains { run in
            run.commit == merge.hex && run.state != .cancelled && !(run.message ?? "").hasPrefix("interrupted:")
        }
        if decided { return }
        let run = try await store.createTestRun(pipeline: pipeline.name, prNumber: record.number, branch: record.branch,
                                                commit: merge.hex, workers: 1, split: nil, owner: settings.instanceID)
        for commit in Set([merge.hex, record.headCommit]) {
            try await checks.record(pipeline: pipeline.name, commit: commit, state: .pending,
                                    description: "testing merge \(merge.short) of #\(record.number)",
                                    targetURL: "/test-runs/\(run.id)")
        }
        if settings.instanceID != nil {
            // Other instances may run an older merge of this pull request: end those runs in the store; their owners
            // stop them at their next heartbeat (`stopRunsEndedElsewhere`).
            _ = try? await store.cancelTestRuns(pipeline: pipeline.name, prNumber: record.number, keeping: run.id,
                                                message: "cancelled: a newer push or the pull request's closing replaced it")
        }
        let head = record.headCommit
        let task = spawn { await self.performTestRun(run, head: head, mirror: mirror, key: key) }
        runningTests.start(key, commit: merge.hex, task: task)
    }

    /// Cancels the pull request's running test run, if any.
    func cancelTestRun(_ key: PullRequestKey) {
        guard let task = runningTests.remove(key) else { return }
        cancelTask(task)
    }

    func performTestRun(_ stored: TestRun, head: String, mirror: PipelineMirror, key: PullRequestKey) async {
        var run = stored
        // With every slot on remote workers, the run is queued until a worker leases its first slot (its test
        // build is made meanwhile); with a local slot it runs at once, as always.
        let queued = settings.remoteTests?.localSlots == 0
        run.state = queued ? .queued : .running
        run.startedAt = queued ? nil : Date()
        _ = try? await store.updateTestRun(run)
        let recorder = ShardTimelineRecorder()
        let outcome: Result<TestRunResult, TestRunError>
        var madeAddOns = false
        do throws(TestRunError) {
            let repository: Repository
            do {
                repository = try Repository.open(path: mirror.path)
            } catch {
                throw TestRunError(.workspace, "cannot open the mirror: \(error.message)")
            }
            guard let merge = ObjectID(hex: run.commit) else { throw TestRunError(.configuration, "not a commit id: \(run.commit)") }
            try? FileManager.default.createDirectory(at: settings.scratchDirectory, withIntermediateDirectories: true)
            // The store holds the pipeline's timing history (the run's samples are recorded there when it ends).
            let samples = (try? await store.fileTimings(pipeline: run.pipeline)) ?? [:]
            let history = TimingHistory(files: samples.mapValues { Array($0.suffix(TimingHistory.samplesKept)) })
            // Sandboxed, test processes start from nothing of the service's own environment.
            let sandbox = TestSandbox(launcher: settings.launcher, hidden: [settings.dataDirectory.path], ownsSource: true)
            var options = RunOptions(history: .given(history), timeout: settings.testTimeout,
                                     scratchDirectory: settings.scratchDirectory, identity: RunIdentity(id: run.id),
                                     baseEnvironment: settings.launcher.isSandboxed ? SandboxEnvironment.base
                                        : ProcessInfo.processInfo.environment,
                                     sandbox: sandbox)
            let workers = settings.testWorkers
            // Heroku CI: one test-context build (dev dependencies kept), then test-setup and the tests on
            // workspaces made from it.
            let build = try await testBuild(merge, in: repository, pipeline: run.pipeline.rawValue)
            // Fresh add-ons per worker, for as many workers as the run will have (app.json's count unless the
            // service overrides it).
            let planned = workers ?? (try? TestSuiteConfiguration.load(appDirectory: URL(fileURLWithPath: build.directory)).configuration.workers) ?? 1
            madeAddOns = true
            let addOns = try await provisionTestRunAddOns(runID: run.id, build: build, workers: planned)
            options.workerEnvironment = { worker in worker < addOns.count ? addOns[worker] : [:] }
            // Slots past --local-test-slots are leased by remote workers; the build's content address names the tree
            // they download and cache.
            if let remote = settings.remoteTests {
                options.remote = RemoteSlots(board: remote.board, localSlots: remote.localSlots, treeID: build.id) { [run] in
                    var started = run
                    started.state = .running
                    started.startedAt = Date()
                    _ = try? await self.store.updateTestRun(started)
                }
            }
            let metadata = BuildMetadata.read(buildDirectory: build.directory)
            // At the path the tests see the build at (`/app` in the sandbox).
            let buildEnvironment = metadata.environment(
                appRoot: settings.launcher.isSandboxed ? SandboxPolicy.appPath : build.directory,
                basePath: options.baseEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            outcome = .success(try await CommitTestRun.run(
                built: URL(fileURLWithPath: build.directory), commit: merge, branch: run.branch ?? "pr-\(key.number)",
                options: options, buildEnvironment: buildEnvironment, observer: recorder) { configuration in
                    if let workers { configuration.workers = workers }
                })
        } catch {
            outcome = .failure(error)
        }
        if madeAddOns { await dropTestRunAddOns(runID: run.id) }
        // Recorded outside this (possibly cancelled) task: the store refuses writes from a cancelled task, and a
        // cancelled run must still say so.
        let timeline = recorder.timeline
        await Task { await self.finishTestRun(run, outcome: outcome, timeline: timeline, head: head, key: key) }.value
    }

    /// The merge commit built for the test context; a failed build is the run's error, with the build's
    /// last lines.
    private func testBuild(_ merge: ObjectID, in repository: Repository, pipeline: String) async throws(TestRunError) -> Build {
        let command: String?
        do {
            command = try await Deployer.manifest(of: merge, in: repository).appJSON?.slipway.build
        } catch {
            throw TestRunError(.configuration, "cannot read the manifest of \(merge.short): \(error)")
        }
        do {
            return try await deployer.builds.build(commit: merge, in: repository, command: command, context: .test,
                                                   cacheScope: pipeline, label: "test run of \(merge.short)")
        } catch {
            // A newer push or a closed pull request stopped the build: the run is cancelled, not broken.
            if Task.isCancelled { throw TestRunError(.cancelled, "the test build was interrupted") }
            let tail = error.output.split(separator: "\n").suffix(8).joined(separator: "\n")
            throw TestRunError(.setupFailed, "the test build failed: \(error.message)" + (tail.isEmpty ? "" : "\n\(tail)"))
        }
    }

    func finishTestRun(_ started: TestRun, outcome: Result<TestRunResult, TestRunError>,
                               timeline: ShardTimelineRecorder.Timeline, head: String, key: PullRequestKey) async {
        var run = started
        run.finishedAt = Date()
        // A queued run that started has its start time in the store.
        if run.state == .queued, let stored = try? await store.testRun(id: run.id) { run.startedAt = stored.startedAt }
        let check: (state: CheckState, description: String)
        switch outcome {
        case .success(let result):
            Self.fill(&run, from: result, timeline: timeline)
            let failed = result.files.filter { $0.status == .failed }.count
            let flaky = result.files.filter { $0.status == .flaky }.count
            let passed = result.files.count - failed - flaky
            let summary = "\(passed) passed, \(failed) failed, \(flaky) flaky on \(result.workers.count) worker(s) in "
                + String(format: "%.1f s", result.wallSeconds)
            switch result.status {
            case .passed:
                run.state = .succeeded
                check = (.success, summary)
            case .failed:
                run.state = .failed
                let names = result.files.filter { $0.status == .failed }.map(\.path).prefix(3).joined(separator: ", ")
                check = (.failure, summary + (names.isEmpty ? "" : " (\(names))"))
            case .error:
                run.state = .error
                check = (.error, result.error?.message ?? result.stopReason ?? "the test run failed to run")
            }
            run.message = check.description
            // Files' seconds plus the measured batch start-up (under TimingHistory.batchStartupKey).
            try? await store.recordFileTimings(pipeline: run.pipeline, result.timingSamples)
        case .failure(let error) where error.kind == .cancelled || Task.isCancelled:
            run.state = .cancelled
            run.message = "cancelled: a newer push or the pull request's closing replaced it"
            check = (.error, "cancelled")
        case .failure(let error):
            run.state = .error
            run.message = error.message
            check = (.error, error.message)
        }
        do {
            _ = try await store.updateTestRun(run)
        } catch where error.code == .conflict {
            // Fenced off: another instance adopted the run (this one's heartbeat lapsed) and records it itself.
            logger.warning("test run lost to another service instance; its result is not recorded here",
                           metadata: ["run": "\(run.id)", "pipeline": "\(run.pipeline)"])
            runningTests.finished(key, commit: run.commit)
            return
        } catch {
            logger.warning("recording the test run failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
        }
        runningTests.finished(key, commit: run.commit)
        // A cancelled run says nothing about the commit: a newer run (or none, for a closed pull request)
        // owns the check.
        if run.state != .cancelled {
            for commit in Set([run.commit, head]) {
                _ = try? await checks.record(pipeline: run.pipeline, commit: commit, state: check.state,
                                             description: check.description, targetURL: "/test-runs/\(run.id)")
            }
            // A review app waiting for a green check can now deploy.
            requestReconcile(run.pipeline)
        }
    }

    /// The store's file status. Its schema knows passed, failed and flaky only (a new value needs a migration):
    /// an all-skipped file passes the gate, so it is stored as passed.
    static func storedStatus(_ status: FileStatus) -> TestFileStatus {
        switch status {
        case .passed, .skipped: .passed
        case .failed: .failed
        case .flaky: .flaky
        }
    }

    /// Copies a runner result into the stored run: shards with their timeline, one result per file.
    static func fill(_ run: inout TestRun, from result: TestRunResult, timeline: ShardTimelineRecorder.Timeline) {
        run.workers = max(1, min(32, result.workers.count))
        run.split = result.split.rawValue
        run.wallTimeSeconds = result.wallSeconds
        let byWorker = Dictionary(grouping: result.files, by: \.worker)
        run.shards = result.workers.map { worker in
            let files = byWorker[worker.index] ?? []
            let state: TestRunState = files.contains { $0.status == .failed } ? .failed : .succeeded
            // The span of the worker's files on the runner's own clock, so shards and file bars line up; the
            // observed events only for a worker whose files carry no start (a suite that splits itself).
            let starts = files.compactMap(\.startOffsetSeconds)
            let ends = files.compactMap { file in file.startOffsetSeconds.map { $0 + file.seconds } }
            return TestShard(index: worker.index, files: files.map(\.path), state: state,
                             startOffsetSeconds: starts.min() ?? timeline.workerStart[worker.index],
                             endOffsetSeconds: ends.max() ?? timeline.workerEnd[worker.index])
        }
        run.fileResults = result.files.map { file in
            TestFileResult(path: file.path, worker: file.worker, seconds: file.seconds,
                           status: Self.storedStatus(file.status),
                           attempts: file.attempts, failure: file.failure,
                           startOffsetSeconds: file.startOffsetSeconds)
        }
    }
}
