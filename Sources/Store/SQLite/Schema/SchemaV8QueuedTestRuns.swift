import GRDB

/// Queued test runs: `test_runs.state` may also be `queued` (a run waiting for its first test slot). SQLite cannot
/// change a column's CHECK in place, so the table is rebuilt with the wider constraint: the same columns, rows,
/// rowids (runs created in the same millisecond keep their order) and index. The migrator runs with foreign keys
/// off, so dropping the old table does not cascade into `test_file_results`, whose references name the rebuilt
/// table again once it is renamed. Frozen once shipped.
enum SchemaV8QueuedTestRuns {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE test_runs_v8 (
                id TEXT NOT NULL PRIMARY KEY,
                pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
                pr_number INTEGER,
                branch TEXT,
                commit_id TEXT NOT NULL,
                state TEXT NOT NULL
                    CHECK (state IN ('pending', 'queued', 'running', 'succeeded', 'failed', 'error', 'cancelled')),
                workers INTEGER NOT NULL CHECK (workers BETWEEN 1 AND 32),
                split TEXT,
                shards TEXT NOT NULL,                      -- JSON array of TestShard
                message TEXT,
                created_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                wall_time_seconds REAL
            ) STRICT;
            INSERT INTO test_runs_v8 (rowid, id, pipeline, pr_number, branch, commit_id, state, workers, split, shards,
                                      message, created_at, started_at, finished_at, wall_time_seconds)
                SELECT rowid, id, pipeline, pr_number, branch, commit_id, state, workers, split, shards,
                       message, created_at, started_at, finished_at, wall_time_seconds FROM test_runs;
            DROP TABLE test_runs;
            ALTER TABLE test_runs_v8 RENAME TO test_runs;
            CREATE INDEX test_runs_by_pr ON test_runs(pipeline, pr_number, created_at);
            """)
    }
}
