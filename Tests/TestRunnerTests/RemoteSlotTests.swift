import Foundation
import Sharding
import Synchronization
@testable import TestRunner
import Testing

/// A run whose slots are partly leased through the lease board: the remote slot runs with the real worker code
/// (`RemoteSlotRunner`, the cached tree archive, the same `WorkerLoop`), reaching the board in this process instead
/// of over HTTP (the HTTP routes and real `slipway worker` processes are tested in ServerTests).
@Suite struct RemoteSlotTests {
    /// The board's worker-side calls, made directly with a token name, as the HTTP routes make them.
    struct BoardTransport: LeaseTransport {
        let board: LeaseBoard
        let token: String
        /// A report's answer carries the next batch, as the route's does; false: as an older service's (none).
        var carriesNext = true

        func reportSetup(_ report: SetupReport, lease: String) async throws {
            try await board.reportSetup(lease: lease, token: token, report)
        }

        func nextBatch(lease: String) async throws -> NextBatch {
            try await board.nextBatch(lease: lease, token: token, wait: .seconds(2))
        }

        func reportBatch(_ report: BatchReport, sequence: Int, lease: String) async throws -> NextBatch? {
            try await board.reportBatch(lease: lease, token: token, sequence: sequence, report)
            return carriesNext ? try await board.nextBatch(lease: lease, token: token, wait: .seconds(2)) : nil
        }

        func release(lease: String) async {
            try? await board.release(lease: lease, token: token)
        }
    }

    /// How many times each file ran, from the fixture runner's log.
    static func runs(_ fixture: SuiteFixture) -> [String: Int] {
        let text = (try? String(contentsOf: fixture.log, encoding: .utf8)) ?? ""
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let file = line.split(separator: " ").first(where: { $0.hasPrefix("tests/") }) else { continue }
            counts[String(file), default: 0] += 1
        }
        return counts
    }

    @Test(arguments: [true, false])
    func aRunSpreadsItsFilesOverALocalAndALeasedSlot(reportCarriesNext: Bool) async throws {
        // Each slot's share takes over a second, so neither slot can finish its own and take the other's unstarted
        // share (what an idle slot does for a remote slot no worker leased yet) before the other starts.
        let slow = Dictionary(uniqueKeysWithValues: (1...12).map {
            (String(format: "tests/t%03d.sh", $0), "sleep 0.2\n[ \"$SUITE_GREETING\" = \"hello from app.json\" ]\n")
        })
        let fixture = try SuiteFixture.make(files: 12, extra: slow)
        defer { try? FileManager.default.removeItem(at: fixture.directory.deletingLastPathComponent()) }
        let board = LeaseBoard(heartbeat: .milliseconds(500))
        var options = fixture.options()
        options.remote = RemoteSlots(board: board, localSlots: 1, treeID: "tree-under-test")
        let configuration = try fixture.configuration(workers: 2, split: .timings)
        let scratch = fixture.directory.deletingLastPathComponent().appendingPathComponent("worker")
        let environment = options.baseEnvironment
        let runID = options.identity.id

        _ = await board.heartbeat(worker: "w1", slots: 1, token: "worker-token")
        let starts = Mutex<[LeasedBatchStart]>([])
        let timeline = Mutex<LeasedSlotTimeline?>(nil)
        let worker = Task {
            let slot = try #require(try await board.claim(worker: "w1", token: "worker-token", wait: .seconds(20)))
            let slotTimeline = LeasedSlotTimeline(run: slot.run, slot: slot.slot)
            timeline.withLock { $0 = slotTimeline }
            #expect(slot.slot == 1 && slot.total == 2 && slot.tree == "tree-under-test" && slot.knownFiles == fixture.files)
            let cache = TreeCache(directory: scratch.appendingPathComponent("trees"))
            let archive = try await board.archive(of: slot.tree)
            let (tree, downloaded) = try await cache.tree(slot.tree) { file in
                try FileManager.default.copyItem(at: archive, to: file)
            }
            #expect(downloaded)
            #expect(try await cache.tree(slot.tree) { _ in Issue.record("a cached tree was downloaded again") }.downloaded == false)
            slotTimeline.treeReady()
            return await RemoteSlotRunner.run(slot, tree: tree, workspaces: RunWorkspaces(scratch: scratch.appendingPathComponent("runs"),
                                                                                             sandbox: .unsandboxed),
                                              baseEnvironment: environment,
                                              transport: BoardTransport(board: board, token: "worker-token",
                                                                        carriesNext: reportCarriesNext),
                                              timeline: slotTimeline,
                                              batchStarted: { start in starts.withLock { $0.append(start) } })
        }
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: options).run()
        #expect(try await worker.value == .finished)
        // Each batch the leased slot ran was measured once, from its answer's arrival to its process's start.
        let measured = starts.withLock { $0 }
        #expect(measured.map(\.sequence) == Array(1...max(1, measured.count)))
        #expect(measured.map(\.files).reduce(0, +) == result.files.filter { $0.worker == 1 }.count)
        #expect(measured.allSatisfy { $0.seconds >= 0 && $0.seconds < 1 }, "\(measured)")
        // The timeline has every step, in order: lease, tree, set-up, then each batch asked for, received, run and
        // reported.
        let record = try #require(timeline.withLock { $0 }).snapshot
        #expect(record.run == runID && record.slot == 1 && record.batches.count == measured.count)
        var steps = [record.leased, try #require(record.tree), try #require(record.factory), try #require(record.ready)]
        for batch in record.batches {
            steps += [batch.asked, batch.received, try #require(batch.started), try #require(batch.ended),
                      try #require(batch.reportSent), try #require(batch.reported)]
            #expect(batch.waited >= 0)
        }
        #expect(steps == steps.sorted(), "\(record)")
        let line = try JSONDecoder().decode(LeasedSlotTimeline.Record.self, from: Data(try #require(timeline.withLock { $0 }).json.utf8))
        #expect(line == record, "the worker's timing line reads back as the record")
        #expect(result.status == .passed, "\(result.error?.message ?? "")")
        #expect(result.files.map(\.path) == fixture.files && result.files.allSatisfy { $0.attempts == 1 })
        #expect(Set(result.files.map(\.worker)) == [0, 1], "both slots ran files: \(result.files.map(\.worker))")
        #expect(Self.runs(fixture) == Dictionary(uniqueKeysWithValues: fixture.files.map { ($0, 1) }))
        #expect(await board.workerViews().first?.work.isEmpty == true, "the lease ended with the run")
        await #expect(throws: LeaseBoardError.unknownTree) { try await board.archive(of: "tree-under-test") }
    }

    /// `ci/bench/workers` reads the latency back from the worker's line.
    @Test func aBatchStartLineCarriesItsLatencyInMilliseconds() {
        let start = LeasedBatchStart(sequence: 3, files: 4, seconds: 0.0012345)
        #expect(start.line == "batch 3 (4 files): lease-to-start 1.234 ms")
        #expect(LeasedBatchStart.milliseconds(in: "slot 7: " + start.line) == 1.234)
        #expect(LeasedBatchStart.milliseconds(in: "slot 7: batch 3 of test run r finished") == nil)
    }

    @Test func aSilentWorkersBatchRunsAgainAndItsLateReportIsGone() async throws {
        // Local setup is slow, so the leased slot takes its planned shard first and then falls silent.
        let fixture = try SuiteFixture.make(files: 6)
        defer { try? FileManager.default.removeItem(at: fixture.directory.deletingLastPathComponent()) }
        let board = LeaseBoard(heartbeat: .seconds(1))
        let sweeper = Task { await board.run() }
        defer { sweeper.cancel() }
        var options = fixture.options()
        options.remote = RemoteSlots(board: board, localSlots: 1)
        var configuration = try fixture.configuration(workers: 2, split: .timings)
        configuration.setupCommand = "sleep 1; sh bin/setup"

        _ = await board.heartbeat(worker: "silent", slots: 1, token: "t")
        let worker = Task { () throws -> (String, LeasedBatch) in
            let slot = try #require(try await board.claim(worker: "silent", token: "t", wait: .seconds(20)))
            try await board.reportSetup(lease: slot.lease, token: "t", SetupReport(succeeded: true, seconds: 0))
            let next = try await board.nextBatch(lease: slot.lease, token: "t", wait: .seconds(5))
            return (slot.lease, try #require(next.batch))
        }
        let started = ContinuousClock.now
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: options).run()
        let (lease, batch) = try await worker.value
        #expect(!batch.files.isEmpty)
        #expect(result.status == .passed, "\(result.error?.message ?? "")")
        #expect(result.files.map(\.path) == fixture.files)
        #expect(result.files.allSatisfy { $0.attempts == 1 && $0.worker == 0 }, "every file once, all on the local slot")
        #expect(Self.runs(fixture) == Dictionary(uniqueKeysWithValues: fixture.files.map { ($0, 1) }))
        #expect(ContinuousClock.now - started < .seconds(20))
        // The worker comes back with its report: the lease expired, so the report is refused as gone.
        let outcome = BatchRunner.Outcome(verdicts: batch.files.map { FileVerdict(file: $0, passed: true) },
                                          seconds: [:], wallSeconds: 0.1, outputTail: "", interrupted: false,
                                          started: .now)
        await #expect(throws: LeaseBoardError.gone(.expired)) {
            try await board.reportBatch(lease: lease, token: "t", sequence: batch.sequence, BatchReport(outcome))
        }
        await #expect(throws: LeaseBoardError.gone(.expired)) {
            _ = try await board.nextBatch(lease: lease, token: "t", wait: .zero)
        }
    }

    /// What SIGTERM does to `slipway worker` (it cancels the worker's task): the running batch is stopped and its
    /// lease handed back at once, and the batch runs again on the other slot.
    @Test func aStoppingWorkerHandsItsLeaseBackMidBatch() async throws {
        let slow = Dictionary(uniqueKeysWithValues: (1...4).map {
            (String(format: "tests/t%03d.sh", $0), "sleep 1\n[ \"$SUITE_GREETING\" = \"hello from app.json\" ]\n")
        })
        let fixture = try SuiteFixture.make(files: 4, extra: slow)
        defer { try? FileManager.default.removeItem(at: fixture.directory.deletingLastPathComponent()) }
        // A long heartbeat: only the hand-back, not an expiry, can free the lease in time.
        let board = LeaseBoard(heartbeat: .seconds(60))
        var options = fixture.options()
        options.remote = RemoteSlots(board: board, localSlots: 1)
        let configuration = try fixture.configuration(workers: 2, split: .timings)
        let scratch = fixture.directory.deletingLastPathComponent().appendingPathComponent("worker")
        let environment = options.baseEnvironment
        _ = await board.heartbeat(worker: "w1", slots: 1, token: "t")
        let worker = Task {
            let slot = try #require(try await board.claim(worker: "w1", token: "t", wait: .seconds(20)))
            let archive = try await board.archive(of: slot.tree)
            let (tree, _) = try await TreeCache(directory: scratch.appendingPathComponent("trees")).tree(slot.tree) { file in
                try FileManager.default.copyItem(at: archive, to: file)
            }
            return await RemoteSlotRunner.run(slot, tree: tree, workspaces: RunWorkspaces(scratch: scratch.appendingPathComponent("runs"),
                                                                                             sandbox: .unsandboxed),
                                              baseEnvironment: environment,
                                              transport: BoardTransport(board: board, token: "t"))
        }
        let run = Task { try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: options).run() }
        #expect(try await eventuallyTrue { await board.workerViews().first?.work.first?.batch != nil }, "the leased slot never ran a batch")
        try await Task.sleep(for: .milliseconds(300))
        worker.cancel()
        #expect(try await worker.value == .lost)
        let result = try await run.value
        #expect(result.status == .passed, "\(result.error?.message ?? "")")
        #expect(result.files.map(\.path) == fixture.files && result.files.allSatisfy { $0.attempts == 1 && $0.worker == 0 })
    }

    @Test func aRunDoesNotWaitForAWorkerStillSettingUpWhenTheOtherSlotsDidEverything() async throws {
        let fixture = try SuiteFixture.make(files: 4)
        defer { try? FileManager.default.removeItem(at: fixture.directory.deletingLastPathComponent()) }
        let board = LeaseBoard(heartbeat: .seconds(30))
        var options = fixture.options()
        options.remote = RemoteSlots(board: board, localSlots: 1)
        let configuration = try fixture.configuration(workers: 2, split: .timings)
        _ = await board.heartbeat(worker: "slow", slots: 1, token: "t")
        let leased = Task { try await board.claim(worker: "slow", token: "t", wait: .seconds(20)) }
        let started = ContinuousClock.now
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: options).run()
        #expect(ContinuousClock.now - started < .seconds(15), "the run waited for a setup that never came")
        #expect(result.status == .passed && result.files.map(\.path) == fixture.files)
        #expect(result.files.allSatisfy { $0.worker == 0 }, "the local slot took the leased slot's share")
        let slot = try #require(try await leased.value)
        #expect(try await board.nextBatch(lease: slot.lease, token: "t", wait: .zero) == .done)
        await #expect(throws: LeaseBoardError.gone(.done)) {
            try await board.reportSetup(lease: slot.lease, token: "t", SetupReport(succeeded: true, seconds: 1))
        }
    }

    @Test func aRunWithNoLocalSlotIsQueuedUntilAWorkerLeasesOneAndItsTimeoutStartsThen() async throws {
        let fixture = try SuiteFixture.make(files: 4)
        defer { try? FileManager.default.removeItem(at: fixture.directory.deletingLastPathComponent()) }
        let board = LeaseBoard(heartbeat: .milliseconds(500))
        // A 4 s timeout, and no worker for 5 s: a queued run's time has not started, so it does not time out.
        var options = fixture.options(timeout: .seconds(4))
        let starts = StartLog()
        options.remote = RemoteSlots(board: board, localSlots: 0) { await starts.record() }
        let configuration = try fixture.configuration(workers: 2, split: .timings)
        let scratch = fixture.directory.deletingLastPathComponent().appendingPathComponent("worker")
        let environment = options.baseEnvironment
        let run = Task { try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: options).run() }
        try await Task.sleep(for: .seconds(5))
        #expect(await starts.count == 0, "nothing leased a slot, yet the run started")

        _ = await board.heartbeat(worker: "late", slots: 1, token: "t")
        let slot = try #require(try await board.claim(worker: "late", token: "t", wait: .seconds(20)))
        let cache = TreeCache(directory: scratch.appendingPathComponent("trees"))
        let archive = try await board.archive(of: slot.tree)
        let (tree, _) = try await cache.tree(slot.tree) { file in try FileManager.default.copyItem(at: archive, to: file) }
        let exit = await RemoteSlotRunner.run(slot, tree: tree, workspaces: RunWorkspaces(scratch: scratch.appendingPathComponent("runs"),
                                                                                             sandbox: .unsandboxed),
                                              baseEnvironment: environment,
                                              transport: BoardTransport(board: board, token: "t"))
        #expect(exit == .finished)
        let result = try await run.value
        #expect(result.status == .passed && result.stopReason == nil, "\(result.stopReason ?? "") \(result.error?.message ?? "")")
        #expect(result.files.map(\.path) == fixture.files && result.files.allSatisfy { $0.attempts == 1 })
        #expect(await starts.count == 1, "the run started once, when its first slot was leased")
        #expect(result.wallSeconds < 5, "the wall time leaves the queued 5 s out: \(result.wallSeconds)")
        #expect(result.files.allSatisfy { ($0.startOffsetSeconds ?? 99) < 5 }, "offsets count from the start: \(result.files.map(\.startOffsetSeconds))")
    }

    /// How often a run reported its start.
    actor StartLog {
        private(set) var count = 0
        func record() { count += 1 }
    }

    @Test func aTreeTwoRunsOfferStaysDownloadableUntilBothEnd() async throws {
        let board = LeaseBoard()
        let first = URL(fileURLWithPath: "/runs/one/tree.tar"), second = URL(fileURLWithPath: "/runs/two/tree.tar")
        await board.register(tree: "same", archive: first)
        await board.register(tree: "same", archive: second)
        await board.unregister(tree: "same", archive: second)
        #expect(try await board.archive(of: "same") == first)
        await board.unregister(tree: "same", archive: first)
        await #expect(throws: LeaseBoardError.unknownTree) { try await board.archive(of: "same") }
    }

    @Test func aDrainingWorkerIsOfferedNothingAndARevokedTokensLeasesEnd() async throws {
        let board = LeaseBoard(heartbeat: .seconds(1))
        _ = await board.heartbeat(worker: "a", slots: 2, token: "ta")
        _ = await board.heartbeat(worker: "b", slots: 1, token: "tb")
        let template = LeasedSlot(lease: "", run: "run-1", slot: 0, total: 2, tree: "t", setupCommand: nil,
                                  testCommand: "true", environment: [:], extraEnvironment: [:], knownFiles: [],
                                  estimates: [:], junitPattern: nil, sandboxNetwork: "shared", branch: "", commit: "",
                                  heartbeatSeconds: 1)
        #expect(try await board.drain(worker: "a").state == .draining)
        let offer = await board.offer(template)
        #expect(try await board.claim(worker: "a", token: "ta", wait: .zero) == nil, "a draining worker gets no lease")
        await #expect(throws: LeaseBoardError.unknownWorker) { _ = try await board.claim(worker: "b", token: "ta", wait: .zero) }
        let leased = try #require(try await board.claim(worker: "b", token: "tb", wait: .zero))
        #expect(await board.waitForClaim(offer: offer, timeout: .seconds(1)) == leased.lease)
        #expect(await board.workerViews().map(\.state) == [.draining, .busy])
        await board.revoke(token: "tb")
        #expect(await board.workerViews().map(\.name) == ["a"])
        #expect(await board.awaitSetup(lease: leased.lease) == nil, "the run side sees the lease end")
        await #expect(throws: LeaseBoardError.gone(.revoked)) {
            try await board.reportSetup(lease: leased.lease, token: "tb", SetupReport(succeeded: true, seconds: 0))
        }
    }

    /// Polls `check` every 50 ms for up to 20 s.
    func eventuallyTrue(_ check: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
