/// Everything Slipway remembers across restarts, behind one protocol so the SQLite implementation
/// (`SQLiteStore`) and the PostgreSQL one (`PostgresStore`) are interchangeable for their callers.
///
/// The parts are split by subject (`PipelineStore`, `AppStore`, …) so a component can depend on only the
/// part it uses. Every method is one transaction: it either happens whole or not at all. Every failure is a
/// `StoreError` whose `code` says what went wrong.
public protocol SlipwayStore: PipelineStore, AppStore, ReleaseStore, RuntimeStore, CIStore, TokenStore, PullRequestStore,
    GitHubStore, InstanceStore, PipelineLocking {
    /// Runs the store's own background work until `close()`: the PostgreSQL store's connection pool, which
    /// serves no query while this is not running. `slipway serve` runs it in the first service of its group, so
    /// it stops last. The SQLite store has nothing to run and returns at once.
    func run() async

    /// Finishes pending writes and closes the database. The store must not be used afterwards.
    func close() async throws(StoreError)
}
