import Foundation

/// Per-pipeline GitHub settings and the durable outbox of requests to GitHub.
public protocol GitHubStore: Sendable {
    /// The pipeline's GitHub settings, or nil when it does not report to GitHub.
    func gitHubSettings(pipeline: ResourceName) async throws(StoreError) -> GitHubSettings?

    /// Creates or replaces the pipeline's settings; `notFound` for an unknown pipeline.
    func saveGitHubSettings(_ settings: GitHubSettings) async throws(StoreError) -> GitHubSettings

    /// Removes the pipeline's settings (its deliveries stay as history); false when there were none.
    func deleteGitHubSettings(pipeline: ResourceName) async throws(StoreError) -> Bool

    /// Appends a `pending` delivery. Waiting (`pending`) deliveries of the pipeline with the same
    /// `coalesceKey` become `superseded` in the same transaction: only the newest is sent.
    func enqueueGitHubDelivery(_ delivery: GitHubDelivery) async throws(StoreError) -> GitHubDelivery

    /// Pending deliveries due by `now`, oldest first, at most `limit`: for each pipeline and ordering key only the
    /// oldest pending one (so one sha's statuses go out in order, and a delivery waiting to be retried holds back
    /// the later ones of its key).
    func dueGitHubDeliveries(now: Date, limit: Int) async throws(StoreError) -> [GitHubDelivery]

    /// Records one attempt's outcome (`attempts` + 1); `notFound` for an unknown id.
    func recordGitHubAttempt(id: Int64, outcome: GitHubAttemptOutcome) async throws(StoreError) -> GitHubDelivery

    /// The newest delivered delivery of `kind` with that ordering key (the deployment or comment later requests
    /// refer to), or nil.
    func latestDeliveredGitHubDelivery(pipeline: ResourceName, kind: GitHubDeliveryKind, orderingKey: String) async throws(StoreError) -> GitHubDelivery?

    /// Deliveries newest first, optionally of one pipeline and in some states, at most `limit`.
    func gitHubDeliveries(pipeline: ResourceName?, states: Set<GitHubDeliveryState>?, limit: Int) async throws(StoreError) -> [GitHubDelivery]
}
