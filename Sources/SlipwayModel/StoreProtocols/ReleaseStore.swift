/// Builds and releases.
public protocol ReleaseStore: Sendable {
    /// Stores a build unless one with its id exists already; returns the stored build and whether this call
    /// created it. Builds are content-addressed, so an existing build with the same id is the same build.
    func createBuildIfAbsent(_ build: Build) async throws(StoreError) -> (build: Build, created: Bool)

    /// The build with that id; throws `notFound`.
    func build(id: String) async throws(StoreError) -> Build

    /// Every build, newest first.
    func builds() async throws(StoreError) -> [Build]

    /// Records the outcome of a build.
    func updateBuild(id: String, state: BuildState, outputTail: String) async throws(StoreError) -> Build

    /// Builds that no release of any app names: the candidates for garbage collection.
    func unreferencedBuilds() async throws(StoreError) -> [Build]

    /// Forgets a build. Throws `conflict` while a release names it.
    func deleteBuild(id: String) async throws(StoreError)

    /// Allocates the app's next version and stores the release in one transaction, so concurrent callers
    /// never get the same `vN`. Throws `notFound` for an unknown app or build.
    func createRelease(
        app: ResourceName,
        buildID: String?,
        config: ReleaseConfig,
        description: String,
        state: ReleaseState
    ) async throws(StoreError) -> Release

    /// Release `vN` of the app; throws `notFound`.
    func release(app: ResourceName, version: Int) async throws(StoreError) -> Release

    /// The app's releases, newest first, at most `limit` of them when given.
    func releases(app: ResourceName, limit: Int?) async throws(StoreError) -> [Release]

    /// The release the app runs: its newest `succeeded` release, or nil before the first deploy.
    func currentRelease(app: ResourceName) async throws(StoreError) -> Release?

    /// Moves a `pending` release to `succeeded` or `failed`, with the release phase's output.
    /// Throws `conflict` if the release has finished already, `invalidValue` for `state: .pending`.
    func finishRelease(
        app: ResourceName,
        version: Int,
        state: ReleaseState,
        releasePhaseOutput: String?
    ) async throws(StoreError) -> Release
}

extension ReleaseStore {
    /// A pending release that snapshots the app's current config vars.
    public func createRelease(
        app: ResourceName,
        buildID: String?,
        description: String
    ) async throws(StoreError) -> Release {
        try await createRelease(app: app, buildID: buildID, config: .currentConfigVars, description: description, state: .pending)
    }

    /// All of the app's releases, newest first.
    public func releases(app: ResourceName) async throws(StoreError) -> [Release] {
        try await releases(app: app, limit: nil)
    }
}
