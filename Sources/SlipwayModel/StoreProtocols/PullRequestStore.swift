/// The pull requests of each pipeline, as their webhooks and the gate left them.
public protocol PullRequestStore: Sendable {
    /// The record of pull request `number`, or nil when Slipway has not seen it.
    func pullRequest(pipeline: ResourceName, number: Int) async throws(StoreError) -> PullRequestRecord?

    /// The pipeline's pull requests by number, optionally only those in `state`.
    func pullRequests(pipeline: ResourceName, state: PullRequestState?) async throws(StoreError) -> [PullRequestRecord]

    /// Reads the record (nil when absent), lets `change` edit, create or keep it, and writes the result in one
    /// transaction; returns what is stored afterwards. `change` setting nil deletes nothing: it leaves the
    /// stored record as it was. The pipeline and number cannot change (`invalidValue`); an unknown pipeline
    /// is `notFound`.
    func updatePullRequest(
        pipeline: ResourceName,
        number: Int,
        _ change: @escaping @Sendable (inout PullRequestRecord?) -> Void
    ) async throws(StoreError) -> PullRequestRecord?
}
