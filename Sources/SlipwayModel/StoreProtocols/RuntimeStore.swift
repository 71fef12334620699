import Foundation

/// What the runtime needs to survive a crash: formation, dynos, and the operations in flight.
public protocol RuntimeStore: Sendable {
    /// The app's formation, by process type.
    func formation(app: ResourceName) async throws(StoreError) -> [FormationEntry]

    /// Sets the quantity and size of the given process types. With `removingOthers`, process types not in
    /// `entries` are removed (a deploy whose Procfile dropped them). Returns the whole formation.
    func updateFormation(
        app: ResourceName,
        _ entries: [FormationEntry],
        removingOthers: Bool
    ) async throws(StoreError) -> [FormationEntry]

    /// Records a dyno; the store assigns its `id` (the given one is ignored). Throws `notFound` when the app
    /// has no release `releaseVersion`.
    func recordDyno(_ dyno: Dyno) async throws(StoreError) -> Dyno

    /// Writes the dyno's pid, pgid, port and state (the store stamps `updatedAt`); throws `notFound`.
    func updateDyno(_ dyno: Dyno) async throws(StoreError) -> Dyno

    /// The app's dyno records, by release then name.
    func dynos(app: ResourceName) async throws(StoreError) -> [Dyno]

    /// Dynos of every app in one of `states`: after a crash, the process groups to kill.
    func dynos(inStates states: Set<DynoState>) async throws(StoreError) -> [Dyno]

    /// Forgets a dyno record; forgetting an unknown id does nothing.
    func deleteDyno(id: Int64) async throws(StoreError)

    /// Records the start of a long operation, `running`.
    func beginOperation(kind: String, app: ResourceName?, pipeline: ResourceName?) async throws(StoreError) -> TrackedOperation

    /// Records how an operation ended. Throws `conflict` when it has ended already, `invalidValue` for
    /// `state: .running`.
    func finishOperation(id: Int64, state: OperationState, reason: String?) async throws(StoreError) -> TrackedOperation

    /// The operation with that id; throws `notFound`.
    func operation(id: Int64) async throws(StoreError) -> TrackedOperation

    /// Operations, newest first, optionally only those in `state`, at most `limit`.
    func operations(state: OperationState?, limit: Int?) async throws(StoreError) -> [TrackedOperation]

    /// Crash recovery, called by `serve` before it starts anything: in one transaction every `running`
    /// operation becomes `failed` with `reason`, and so does everything else left half-done by a killed
    /// process (pending releases, running builds, unfinished test runs, review apps still `creating`).
    /// Returns what it changed. Dynos are not touched: kill their process groups (`dynos(inStates:)`), then
    /// mark them `stopped`.
    func markInFlightOperationsFailed(reason: String) async throws(StoreError) -> InterruptedWork
}
