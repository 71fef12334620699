import Foundation
import Sharding

/// Where a run's timing history comes from, and where its new samples go.
public enum TimingHistorySource: Sendable {
    /// A file read before the run and updated after it (`slipway ci run`: `.slipway/timings.json`).
    case file(URL)
    /// Given by the caller, which records the run's samples itself (`serve` keeps them in its store, the one
    /// place the service's history lives).
    case given(TimingHistory)
}

/// How a run behaves, beyond what the suite configuration says.
public struct RunOptions: Sendable {
    /// Stop everything at the first file that fails for good.
    public var failFast: Bool
    /// Kill everything and fail the files in flight after this long; nil: no limit.
    public var timeout: Duration?
    /// The timing history the split is planned with.
    public var history: TimingHistorySource
    /// Where the run's directory (workspaces, homes, temporary dirs, logs) is created.
    public var scratchDirectory: URL
    /// Keep the run directory afterwards (for debugging a failure).
    public var keepRunDirectory: Bool
    /// SIGTERM to SIGKILL delay when stopping workers.
    public var terminationGrace: Duration
    public var identity: RunIdentity
    /// The environment test processes start from (usually Slipway's own); the suite's config vars and the
    /// injected variables are laid over it.
    public var baseEnvironment: [String: String]
    public var workspaceStrategy: WorkspaceStrategy
    /// How test processes are started (sandboxed under `serve` and `ci run --sandbox`).
    public var sandbox: TestSandbox
    /// Extra variables for each local worker (0-based index), e.g. the URL of a database provisioned for that
    /// worker alone. Called once per worker when the run starts; laid over the worker's environment (config
    /// vars and Slipway's CI variables) and under the per-batch `SLIPWAY_*` variables. Their values are
    /// secrets: masked wherever the run's output, failures and errors are reported. Default: none.
    public var workerEnvironment: @Sendable (_ worker: Int) -> [String: String] = { _ in [:] }
    /// Slots on remote workers (`serve --local-test-slots`): nil runs every slot here, as always.
    public var remote: RemoteSlots?

    public init(historyFile: URL, failFast: Bool = false, timeout: Duration? = nil,
                scratchDirectory: URL = FileManager.default.temporaryDirectory, keepRunDirectory: Bool = false,
                terminationGrace: Duration = .seconds(2), identity: RunIdentity = RunIdentity(),
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
                workspaceStrategy: WorkspaceStrategy = .automatic, sandbox: TestSandbox = .unsandboxed) {
        self.init(history: .file(historyFile), failFast: failFast, timeout: timeout, scratchDirectory: scratchDirectory,
                  keepRunDirectory: keepRunDirectory, terminationGrace: terminationGrace, identity: identity,
                  baseEnvironment: baseEnvironment, workspaceStrategy: workspaceStrategy, sandbox: sandbox)
    }

    public init(history: TimingHistorySource, failFast: Bool = false, timeout: Duration? = nil,
                scratchDirectory: URL = FileManager.default.temporaryDirectory, keepRunDirectory: Bool = false,
                terminationGrace: Duration = .seconds(2), identity: RunIdentity = RunIdentity(),
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
                workspaceStrategy: WorkspaceStrategy = .automatic, sandbox: TestSandbox = .unsandboxed) {
        self.failFast = failFast
        self.timeout = timeout
        self.history = history
        self.scratchDirectory = scratchDirectory
        self.keepRunDirectory = keepRunDirectory
        self.terminationGrace = terminationGrace
        self.identity = identity
        self.baseEnvironment = baseEnvironment
        self.workspaceStrategy = workspaceStrategy
        self.sandbox = sandbox
    }

    /// `.slipway/timings.json` in the app directory, or `timings.json` in a data directory.
    public static func historyFile(appDirectory: URL, dataDirectory: URL?) -> URL {
        if let dataDirectory { return dataDirectory.appendingPathComponent("timings.json") }
        return appDirectory.appendingPathComponent(".slipway").appendingPathComponent("timings.json")
    }
}
