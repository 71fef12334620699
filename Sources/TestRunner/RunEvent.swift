import Sharding

/// What a run reports while it runs (for progress output).
public enum RunEvent: Sendable {
    /// The plan is made: how many files (0 when the suite splits itself), workers, the split and workspace kind.
    case started(files: Int, workers: Int, split: SplitMode, workspace: String, estimatedSeconds: Double?)
    /// A worker's workspace and process group are ready and its `test-setup` has exited, `seconds` after the
    /// worker started: the per-worker start cost.
    case workerReady(worker: Int, seconds: Double)
    /// One attempt of one file finished.
    case fileFinished(path: String, worker: Int, attempt: Int, passed: Bool, willRetry: Bool, seconds: Double)
    /// Everything is being stopped: `--fail-fast`, the timeout, a setup failure.
    case stopping(reason: String)
    /// Something the user should know that does not stop the run (an unreadable timing history).
    case warning(String)
}

/// Receives a run's events; called from several tasks at once, so implementations synchronise themselves.
public protocol TestRunObserver: Sendable {
    func handle(_ event: RunEvent)
}
