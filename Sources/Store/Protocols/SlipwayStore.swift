/// Everything Slipway remembers across restarts, behind one protocol so the SQLite implementation
/// (`SQLiteStore`) can be joined by a PostgreSQL one without touching its callers.
///
/// The parts are split by subject (`PipelineStore`, `AppStore`, …) so a component can depend on only the
/// part it uses. Every method is one transaction: it either happens whole or not at all. Every failure is a
/// `StoreError` whose `code` says what went wrong.
public protocol SlipwayStore: PipelineStore, AppStore, ReleaseStore, RuntimeStore, CIStore, TokenStore, PullRequestStore {
    /// Finishes pending writes and closes the database. The store must not be used afterwards.
    func close() async throws(StoreError)
}
