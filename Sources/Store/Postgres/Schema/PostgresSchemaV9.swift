/// Service instances and test-run ownership: the same tables as the SQLite store's `SchemaV9ServiceInstances`.
/// `owner_instance` has no foreign key: an owner's row may be gone (a graceful stop) while its run waits for
/// adoption. Frozen once shipped.
enum PostgresSchemaV9 {
    static let statements: [String] = [
        """
        CREATE TABLE service_instances (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            heartbeat_at BIGINT NOT NULL
        )
        """,
        "ALTER TABLE test_runs ADD COLUMN owner_instance TEXT",
        """
        CREATE INDEX test_runs_unfinished_owner ON test_runs(owner_instance)
            WHERE state IN ('pending', 'queued', 'running')
        """,
    ]
}
