import GRDB

/// Service instances and test-run ownership (several `serve` on one database; SQLite has one, but keeps the same
/// schema and rules as PostgreSQL's `PostgresSchemaV9`). Existing runs get no owner. Frozen once shipped.
enum SchemaV9ServiceInstances {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE service_instances (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                heartbeat_at INTEGER NOT NULL
            ) STRICT;
            ALTER TABLE test_runs ADD COLUMN owner_instance TEXT;
            CREATE INDEX test_runs_unfinished_owner ON test_runs(owner_instance) WHERE state IN ('pending', 'queued', 'running');
            """)
    }
}
