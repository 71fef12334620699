/// Queued test runs: the same wider state constraint as the SQLite store's `SchemaV8QueuedTestRuns` (PostgreSQL
/// named v1's inline CHECK `test_runs_state_check`). Frozen once shipped.
enum PostgresSchemaV8 {
    static let statements: [String] = [
        """
        ALTER TABLE test_runs DROP CONSTRAINT test_runs_state_check,
            ADD CONSTRAINT test_runs_state_check
                CHECK (state IN ('pending', 'queued', 'running', 'succeeded', 'failed', 'error', 'cancelled'))
        """,
    ]
}
