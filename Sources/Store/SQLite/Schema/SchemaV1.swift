import SlipwayModel
import GRDB

/// The first schema. Frozen: later changes go in new migrations (see `Migrations`).
enum SchemaV1 {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE pipelines (
                name TEXT NOT NULL PRIMARY KEY,
                repository TEXT NOT NULL,
                target_branch TEXT NOT NULL,
                review_config_vars TEXT NOT NULL,          -- JSON object
                forks_get_review_config_vars INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE apps (
                name TEXT NOT NULL PRIMARY KEY,
                pipeline TEXT REFERENCES pipelines(name) ON DELETE RESTRICT,
                stage TEXT CHECK (stage IN ('review', 'development', 'staging', 'production')),
                created_at INTEGER NOT NULL,
                -- Review apps only:
                pr_number INTEGER,
                review_branch TEXT,
                head_commit TEXT,
                merge_commit TEXT,
                from_fork INTEGER,
                review_state TEXT CHECK (review_state IN ('creating', 'deployed', 'failed', 'destroyed')),
                last_deployed_at INTEGER,
                url_host TEXT,
                CHECK ((pipeline IS NULL) = (stage IS NULL)),
                CHECK ((pr_number IS NULL) = (review_state IS NULL)),
                CHECK (pr_number IS NULL OR stage = 'review')
            ) STRICT;
            CREATE INDEX apps_by_pipeline ON apps(pipeline);
            -- One live review app per pull request; destroyed ones stay as history.
            CREATE UNIQUE INDEX apps_live_review_app ON apps(pipeline, pr_number)
                WHERE pr_number IS NOT NULL AND review_state <> 'destroyed';

            CREATE TABLE config_vars (
                app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
                name TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (app, name)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE generated_secrets (
                app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
                name TEXT NOT NULL,
                value TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (app, name)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE builds (
                id TEXT NOT NULL PRIMARY KEY,
                source_kind TEXT NOT NULL CHECK (source_kind IN ('commit', 'directory')),
                source TEXT NOT NULL,                      -- commit id or directory digest
                directory TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('building', 'succeeded', 'failed')),
                output_tail TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE releases (
                app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
                version INTEGER NOT NULL CHECK (version >= 1),
                build_id TEXT REFERENCES builds(id) ON DELETE RESTRICT,
                config TEXT NOT NULL,                      -- JSON object
                description TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
                release_phase_output TEXT,
                created_at INTEGER NOT NULL,
                finished_at INTEGER,
                PRIMARY KEY (app, version)
            ) STRICT;
            CREATE INDEX releases_by_build ON releases(build_id);

            CREATE TABLE formation (
                app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
                process_type TEXT NOT NULL,
                quantity INTEGER NOT NULL CHECK (quantity >= 0),
                size TEXT NOT NULL,
                PRIMARY KEY (app, process_type)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE dynos (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                app TEXT NOT NULL,
                release_version INTEGER NOT NULL,
                name TEXT NOT NULL,
                process_type TEXT NOT NULL,
                pid INTEGER,
                pgid INTEGER,
                port INTEGER,
                state TEXT NOT NULL CHECK (state IN ('starting', 'up', 'crashed', 'stopped')),
                started_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                FOREIGN KEY (app, release_version) REFERENCES releases(app, version) ON DELETE CASCADE
            ) STRICT;
            CREATE INDEX dynos_by_app ON dynos(app, release_version);
            CREATE INDEX dynos_by_state ON dynos(state);

            -- App and pipeline are plain names, not references: the record outlives what it acted on.
            CREATE TABLE operations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                app TEXT,
                pipeline TEXT,
                state TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
                reason TEXT,
                started_at INTEGER NOT NULL,
                finished_at INTEGER
            ) STRICT;
            CREATE INDEX operations_running ON operations(state) WHERE state = 'running';

            CREATE TABLE test_runs (
                id TEXT NOT NULL PRIMARY KEY,
                pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
                pr_number INTEGER,
                branch TEXT,
                commit_id TEXT NOT NULL,
                state TEXT NOT NULL
                    CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'error', 'cancelled')),
                workers INTEGER NOT NULL CHECK (workers BETWEEN 1 AND 32),
                split TEXT,
                shards TEXT NOT NULL,                      -- JSON array of TestShard
                message TEXT,
                created_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                wall_time_seconds REAL
            ) STRICT;
            CREATE INDEX test_runs_by_pr ON test_runs(pipeline, pr_number, created_at);

            CREATE TABLE test_file_results (
                run_id TEXT NOT NULL REFERENCES test_runs(id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                worker INTEGER NOT NULL,
                seconds REAL NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'flaky')),
                attempts INTEGER NOT NULL,
                failure TEXT,
                PRIMARY KEY (run_id, path)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE file_timings (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
                path TEXT NOT NULL,
                seconds REAL NOT NULL,
                recorded_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX file_timings_by_path ON file_timings(pipeline, path, id);

            CREATE TABLE checks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
                commit_id TEXT NOT NULL,
                context TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'success', 'failure', 'error')),
                description TEXT NOT NULL,
                target_url TEXT,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX checks_by_commit ON checks(pipeline, commit_id, context, id);

            CREATE TABLE gate_decisions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
                pr_number INTEGER NOT NULL,
                merge_commit TEXT,
                verdict TEXT NOT NULL CHECK (verdict IN ('merged', 'refused')),
                reason TEXT NOT NULL,
                decided_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX gate_decisions_by_pr ON gate_decisions(pipeline, pr_number, id);

            -- Only the SHA-256 of a token is stored, never the token.
            CREATE TABLE api_tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                digest TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                last_used_at INTEGER,
                revoked_at INTEGER
            ) STRICT;
            CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL;

            CREATE TABLE webhook_deliveries (
                id TEXT NOT NULL PRIMARY KEY,
                event TEXT NOT NULL,
                received_at INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries(received_at);
            """)
    }
}
