/// Mutual exclusion of one pipeline's reconciliation across every service instance on the store.
///
/// PostgreSQL: a session-level advisory lock keyed by the pipeline's name, held on a connection of its own for
/// `body`'s duration; an instance killed while holding it loses the connection and with it the lock. SQLite: one
/// service per file, so nothing beyond the caller's own in-process lock (the body just runs).
public protocol PipelineLocking: Sendable {
    /// Runs `body` while holding the pipeline's lock, waiting for it as long as another instance holds it (the
    /// wait ends with `CancellationError` when the task is cancelled).
    func withPipelineLock<T: Sendable>(_ pipeline: ResourceName, _ body: @Sendable () async throws -> T) async throws -> T
}
