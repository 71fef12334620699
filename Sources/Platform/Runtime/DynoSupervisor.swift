import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Processes
import Sandbox
import SlipwayModel

/// What one dyno runs.
public struct DynoSpec: Sendable, Equatable {
    /// `web.1`
    public var name: String
    public var processType: String
    /// The release this dyno runs (`v7` is 7).
    public var release: Int
    public var command: String
    /// The complete environment, `PORT` and `DYNO` included.
    public var environment: [String: String]
    public var workingDirectory: String
    public var port: Int
    /// Output of every run is appended here.
    public var logPath: String
    /// How long `stop` waits after SIGTERM before SIGKILL (SPEC §6: 30 s).
    public var stopGrace: Duration
    /// How the process is started (sandboxed: the app's uid, the slug at `/app`, limits).
    public var isolation: AppIsolation
    /// Memory, process and CPU limits (from the formation `size`); nil: none.
    public var limits: ResourceLimits?
    public var network: SandboxNetwork

    public init(name: String, processType: String, release: Int = 0, command: String, environment: [String: String],
                workingDirectory: String, port: Int, logPath: String, stopGrace: Duration = .seconds(30),
                isolation: AppIsolation = .unsandboxed, limits: ResourceLimits? = nil, network: SandboxNetwork = .shared) {
        self.name = name
        self.processType = processType
        self.release = release
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.port = port
        self.logPath = logPath
        self.stopGrace = stopGrace
        self.isolation = isolation
        self.limits = limits
        self.network = network
    }
}

/// How a dyno restarts after its process exits.
public struct RestartPolicy: Sendable, Equatable {
    /// First delay; doubled after each restart up to `maximumDelay`.
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// A run shorter than this counts as a fast failure.
    public var fastFailureWindow: Duration
    /// This many fast failures in a row mark the dyno crashed, and it is not restarted again.
    public var fastFailuresBeforeCrashed: Int

    public init(initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(60),
                fastFailureWindow: Duration = .seconds(10), fastFailuresBeforeCrashed: Int = 3) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.fastFailureWindow = fastFailureWindow
        self.fastFailuresBeforeCrashed = fastFailuresBeforeCrashed
    }
}

/// One supervised process (Heroku's dyno): its own process group, restarted with exponential backoff
/// when it exits, marked `crashed` after repeated fast failures, stopped with SIGTERM to the whole group
/// and SIGKILL after the grace period.
public actor DynoSupervisor {
    public nonisolated let spec: DynoSpec
    public private(set) var state: DynoState = .starting
    /// How many times the process was started again after exiting.
    public private(set) var restarts = 0
    /// How the last run ended.
    public private(set) var lastExit: Termination?
    /// The process group of the current run (for crash recovery bookkeeping).
    public private(set) var processGroupID: Int32?

    private let policy: RestartPolicy
    /// Where output lines go, stamped with time and dyno name; without one, output is appended to `spec.logPath`.
    private let log: AppLog?
    private var group: ProcessGroup?
    private var supervision: Task<Void, Never>?
    private var stopping = false

    public init(spec: DynoSpec, policy: RestartPolicy = RestartPolicy(), log: AppLog? = nil) {
        self.spec = spec
        self.policy = policy
        self.log = log
    }

    /// Starts the process and supervises it until `stop`.
    public func start() {
        guard supervision == nil else { return }
        supervision = Task { await self.supervise() }
    }

    /// True while a process is running (not crashed, not stopped).
    public var isRunning: Bool { state == .starting || state == .up }

    /// Marks the dyno as serving (after its health check passed).
    public func markUp() {
        if state == .starting { state = .up }
    }

    /// SIGTERM to the group, `stopGrace` for it to exit, then SIGKILL; returns when no process is left.
    public func stop() async {
        stopping = true
        // Wakes a supervision loop that is waiting to restart; a running process is ended just below.
        supervision?.cancel()
        if let group { await group.terminate() }
        await supervision?.value
        state = .stopped
    }

    private func supervise() async {
        var fastFailures = 0
        var delay = policy.initialDelay
        while !stopping {
            let started = ContinuousClock.now
            let termination: Termination
            let output = log.flatMap { OutputPipe(log: $0, source: spec.name) }
            var prepared: AppIsolation.PreparedRun?
            do {
                let sandbox = try spec.isolation.prepare(name: scratchName, slug: spec.workingDirectory,
                                                         network: spec.network, limits: spec.limits)
                prepared = sandbox
                let group = try ProcessGroup(terminationGrace: spec.stopGrace)
                self.group = group
                processGroupID = group.id
                var run = try spec.isolation.launcher.process(command: spec.command, environment: spec.environment,
                                                              policy: sandbox.policy, outputPath: spec.logPath)
                run.outputDescriptor = output?.writeEnd
                termination = try await group.run(run)
                // Whatever the command left behind in its group goes with it.
                await group.terminate()
                output?.closeWriteEnd()
            } catch {
                output?.closeWriteEnd()
                appendToLog("slipway: \(spec.name) could not start: \(error)")
                termination = .exited(127)
            }
            // Heroku's R15: the kernel killed the dyno for going past its memory limit.
            if let cell = prepared?.cell, cell.outOfMemoryKills > 0 {
                appendToLog("slipway: \(spec.name): Error R15 (Memory quota vastly exceeded): over the "
                            + "\(cell.limits.memoryBytes / 1_048_576) MB limit, killed")
            }
            await prepared?.finish()
            lastExit = termination
            if stopping { break }
            appendToLog("slipway: \(spec.name) exited (\(termination))")
            if ContinuousClock.now - started < policy.fastFailureWindow {
                fastFailures += 1
            } else {
                fastFailures = 0
                delay = policy.initialDelay
            }
            if fastFailures >= policy.fastFailuresBeforeCrashed {
                state = .crashed
                appendToLog("slipway: \(spec.name) crashed \(fastFailures) times in a row; not restarting")
                return
            }
            state = .starting
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, policy.maximumDelay)
            restarts += 1
        }
        state = .stopped
    }

    /// The run's scratch (writable layer, `HOME`, `/tmp`) under the app's `dynos` directory: `v3-web.1-41023`. The
    /// port makes it the dyno's own: a scale keeps the release, so the new `web.1` boots while the old `web.1` of the
    /// same release still drains, and a shared name had each one's start and stop remove the other's files.
    private var scratchName: String { "v\(spec.release)-\(spec.name)-\(spec.port)" }

    /// Slipway's own lines go into the dyno's log, as Heroku's router and dyno manager lines do.
    private func appendToLog(_ line: String) {
        if let log {
            log.append(source: "slipway", text: line.hasPrefix("slipway: ") ? String(line.dropFirst(9)) : line)
            return
        }
        let stamped = "\(Date().formatted(.iso8601)) \(line)\n"
        guard let handle = FileHandle(forWritingAtPath: spec.logPath) else {
            _ = FileManager.default.createFile(atPath: spec.logPath, contents: Data(stamped.utf8))
            return
        }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(stamped.utf8))
    }
}

/// A pipe whose read end an `AppLog` drains line by line; the write end becomes a run's stdout and stderr.
private struct OutputPipe {
    let writeEnd: Int32

    init?(log: AppLog, source: String) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        // Close-on-exec in this process: only the dyno (through posix_spawn's dup2) gets a copy.
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        writeEnd = ends[1]
        log.collect(from: ends[0], source: source)
    }

    /// After the run: the reader sees end of file once the dyno's own copies are gone too.
    func closeWriteEnd() {
        close(writeEnd)
    }
}
