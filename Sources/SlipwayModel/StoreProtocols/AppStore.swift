/// Apps, their config vars and the secrets generated for them.
public protocol AppStore: Sendable {
    /// Stores a new app. Throws `alreadyExists` for a taken name, `notFound` for an unknown pipeline,
    /// `conflict` when a review app for the same pull request is live, `invalidValue` when pipeline and stage
    /// are not both set or both nil, or review details are given for a stage other than `review`.
    func createApp(_ app: App) async throws(StoreError) -> App

    /// The named app; throws `notFound`.
    func app(named name: ResourceName) async throws(StoreError) -> App

    /// Every app, by name.
    func apps() async throws(StoreError) -> [App]

    /// The apps of one pipeline (review apps included, destroyed ones too), by name.
    func apps(inPipeline pipeline: ResourceName) async throws(StoreError) -> [App]

    /// The pipeline's review app for pull request `prNumber` that has not been destroyed, if any.
    func reviewApp(pipeline: ResourceName, prNumber: Int) async throws(StoreError) -> App?

    /// Reads the app, applies `change` and writes it back in one transaction (stage, pipeline, review details).
    /// The name and creation time cannot change.
    func updateApp(
        named name: ResourceName,
        _ change: @escaping @Sendable (inout App) -> Void
    ) async throws(StoreError) -> App

    /// Deletes the app with its config vars, secrets, releases, formation and dyno records. Stop its dynos
    /// first: the store only forgets them. Builds stay (other apps may use them).
    func deleteApp(named name: ResourceName) async throws(StoreError)

    /// The app's config vars.
    func configVars(app: ResourceName) async throws(StoreError) -> [String: String]

    /// Sets and unsets config vars and creates the release that carries them, in one transaction.
    ///
    /// The release runs the build of the app's current release. It is `pending` (the runtime runs the release
    /// phase and restarts dynos, then calls `finishRelease`) unless the app has no build yet, in which case
    /// there is nothing to run and it is `succeeded` at once. `description` defaults to Heroku's wording
    /// ("Set FOO, BAR config vars", "Remove BAZ config vars"). Keys are `[A-Za-z_][A-Za-z0-9_]*`; a key both
    /// set and unset, or an empty change, is `invalidValue`.
    func updateConfigVars(
        app: ResourceName,
        set: [String: String],
        unset: [String],
        description: String?
    ) async throws(StoreError) -> Release

    /// The secrets generated for the app (`generator: "secret"` in app.json), by key.
    func generatedSecrets(app: ResourceName) async throws(StoreError) -> [String: String]

    /// Stores the secrets whose keys the app does not have yet and returns all of the app's secrets.
    /// A secret is generated once: offering a new value for a stored key keeps the stored one, so concurrent
    /// creators agree on one value.
    func storeGeneratedSecrets(app: ResourceName, _ secrets: [String: String]) async throws(StoreError) -> [String: String]
}
