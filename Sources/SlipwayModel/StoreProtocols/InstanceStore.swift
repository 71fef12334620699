import Foundation

/// The service instances sharing one database and the test runs they own: registration, heartbeats and the
/// adoption of a dead instance's unfinished runs.
public protocol InstanceStore: Sendable {
    /// Registers a new instance with a fresh id, its heartbeat now. Rows of instances silent for a day are deleted
    /// on the way (every start adds one).
    func registerInstance(name: String) async throws(StoreError) -> ServiceInstance

    /// Moves the instance's heartbeat to now; `notFound` when its row is gone.
    func heartbeatInstance(id: String) async throws(StoreError)

    /// Deletes the instance's row (a graceful stop): its unfinished runs, if any, can be adopted at once.
    func removeInstance(id: String) async throws(StoreError)

    /// The instances whose heartbeat is at or after `since`, oldest start first.
    func liveInstances(heartbeatSince since: Date) async throws(StoreError) -> [ServiceInstance]

    /// Claims for `instance` every unfinished (`pending`, `queued`, `running`) test run whose owner is another
    /// instance that is not live (no row, or a heartbeat before `ownerSilentSince`), and returns them, owned by
    /// `instance`, oldest first. Runs with no owner are left alone. Atomic: two instances adopting at once never
    /// both get a run (on PostgreSQL the candidates are locked `FOR UPDATE SKIP LOCKED`).
    func adoptTestRuns(by instance: String, ownerSilentSince: Date) async throws(StoreError) -> [TestRun]

    /// Ends every unfinished run of the pull request but `keeping` as `cancelled` with `message`, whoever owns it, and
    /// returns their ids: a newer push seen at one instance retires the older runs of the others (each owner notices
    /// at its next heartbeat and stops its own). Not fenced: this is a decision about the runs, not a result.
    func cancelTestRuns(pipeline: ResourceName, prNumber: Int, keeping: String, message: String) async throws(StoreError) -> [String]

    /// The numbers of the pipeline's pull requests that have an unfinished (`pending`, `queued`, `running`) test
    /// run, whoever owns it, ascending: what a reconciliation must retire when such a pull request closes.
    func pullRequestsWithUnfinishedTestRuns(pipeline: ResourceName) async throws(StoreError) -> [Int]
}
