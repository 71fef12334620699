import Foundation
import Sandbox
import Sharding

/// Runs one leased slot on this machine (`slipway worker`): a workspace of the cached tree (on what the run's slots
/// here share, `RunWorkspaces`), `test-setup`, then the lease's batches, with the very `WorkerLoop` (workspace,
/// environment, sandbox, reports) a local worker runs.
public enum RemoteSlotRunner {
    public enum Outcome: Sendable, Equatable {
        /// The run had no more work for the slot.
        case finished
        /// The lease ended under the slot (expired, revoked, the run stopped) or this worker is stopping.
        case lost
        /// The slot could not start or its `test-setup` failed (reported to the service).
        case failed(String)
    }

    /// `batchStarted` hears of each batch the slot ran to its end, with its lease-to-start latency; `timeline`
    /// records when each step happened.
    public static func run(_ slot: LeasedSlot, tree: URL, workspaces: RunWorkspaces,
                           baseEnvironment: [String: String], transport: any LeaseTransport,
                           timeline: LeasedSlotTimeline? = nil,
                           batchStarted: @escaping @Sendable (LeasedBatchStart) -> Void = { _ in }) async -> Outcome {
        let source = LeasedWorkSource(lease: slot.lease, transport: transport, timeline: timeline,
                                      batchStarted: batchStarted)
        let slotDirectory = workspaces.scratch.appendingPathComponent(slot.lease).path
        defer { try? FileManager.default.removeItem(atPath: slotDirectory) }
        let context: WorkerContext
        do throws(TestRunError) {
            do {
                try FileManager.default.createDirectory(atPath: slotDirectory, withIntermediateDirectories: true)
            } catch {
                throw TestRunError(.workspace, "cannot create \(slotDirectory): \(error.localizedDescription)")
            }
            var configuration = TestSuiteConfiguration(setupCommand: slot.setupCommand, testCommand: slot.testCommand,
                                                       environment: slot.environment, workers: slot.total,
                                                       junitPattern: slot.junitPattern)
            configuration.sandboxNetwork = SandboxNetwork(rawValue: slot.sandboxNetwork) ?? .shared
            let glob: Glob?
            do {
                glob = try slot.junitPattern.map { try Glob($0) }
            } catch {
                throw TestRunError(.configuration, "slipway.tests.junit: \(error)")
            }
            let factory = try await workspaces.factory(for: slot, tree: tree, network: configuration.sandboxNetwork)
            timeline?.factoryMade()
            let options = RunOptions(history: .given(TimingHistory()), scratchDirectory: workspaces.scratch,
                                     identity: RunIdentity(id: slot.run, branch: slot.branch, commitVersion: slot.commit),
                                     baseEnvironment: baseEnvironment, sandbox: factory.sandbox)
            context = WorkerContext(configuration: configuration, options: options, factory: factory,
                                    collector: ReportCollector(junitGlob: glob), files: slot.knownFiles,
                                    estimates: slot.estimates, total: slot.total, runStarted: .now,
                                    extraEnvironments: [slot.slot: slot.extraEnvironment])
        } catch {
            await source.setupFailed(error)
            return .failed(error.message)
        }
        let exit = await WorkerLoop(index: slot.slot, context: context, source: source).run()
        await context.factory.cells.removeAll()
        await workspaces.release(run: slot.run)
        switch exit {
        case .failed(let error): return .failed(error.message)
        case .finished, .stopping: return source.wasLost || Task.isCancelled ? .lost : .finished
        }
    }
}

/// A leased batch's lease-to-start latency: the seconds from its answer arriving on this worker to its test process
/// being started (the workspace's batch directories, the command and environment, the spawn call). The network
/// hop from the service is not in it; on one LAN it is a fraction of a millisecond.
public struct LeasedBatchStart: Sendable, Equatable {
    /// The batch's sequence number within the lease.
    public var sequence: Int
    public var files: Int
    public var seconds: Double

    /// The worker's line for it, which `ci/bench/workers` reads: `… batch 3 (4 files): lease-to-start 1.234 ms`.
    public var line: String {
        "batch \(sequence) (\(files) files): lease-to-start \(String(format: "%.3f", seconds * 1000)) ms"
    }

    /// The latency in milliseconds in a worker's output line; nil when the line has none.
    public static func milliseconds(in line: String) -> Double? {
        guard let match = line.firstMatch(of: /lease-to-start (-?[0-9]+\.[0-9]+) ms/) else { return nil }
        return Double(match.output.1)
    }
}

/// The trees a worker has downloaded, by tree id, under its data dir: a re-test of the same tree downloads nothing.
/// A tree is downloaded and extracted once even when several slots lease it at the same moment.
public actor TreeCache {
    public let directory: URL
    private var inFlight: [String: Task<URL, any Error>] = [:]

    public init(directory: URL) {
        self.directory = directory
    }

    /// The extracted tree `id`, downloaded with `download` (into the file it is given) when not cached.
    /// Returns the directory and whether it was downloaded now.
    public func tree(_ id: String, download: @escaping @Sendable (URL) async throws -> Void) async throws -> (URL, downloaded: Bool) {
        guard id.wholeMatch(of: /[0-9A-Za-z_-][0-9A-Za-z_.-]{0,127}/) != nil else {
            throw TestRunError(.workspace, "the service named a tree id that is not one: \(id.prefix(40))")
        }
        let target = directory.appendingPathComponent(id)
        if FileManager.default.fileExists(atPath: target.path) { return (target, false) }
        if let running = inFlight[id] { return (try await running.value, false) }
        let directory = directory
        let task = Task<URL, any Error> {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let archive = directory.appendingPathComponent(".\(id).tar")
            let partial = directory.appendingPathComponent(".\(id).partial")
            try? FileManager.default.removeItem(at: partial)
            defer {
                try? FileManager.default.removeItem(at: archive)
                try? FileManager.default.removeItem(at: partial)
                try? FileManager.default.removeItem(atPath: archive.path + ".log")
            }
            try await download(archive)
            try await TreeArchive.extract(archive.path, into: partial.path)
            // Whole or not at all: a worker killed mid-extraction leaves only a partial directory, retried next time.
            try FileManager.default.moveItem(at: partial, to: target)
            return target
        }
        inFlight[id] = task
        defer { inFlight[id] = nil }
        return (try await task.value, true)
    }
}
