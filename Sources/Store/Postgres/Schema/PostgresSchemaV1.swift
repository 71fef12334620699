import SlipwayModel
/// The first PostgreSQL schema: the tables of the SQLite schema (`SchemaV1` and `SchemaV3PullRequests`) in
/// PostgreSQL's types. Frozen: later changes go in new migrations (see `PostgresMigrations`).
///
/// Same conventions as SQLite, so both stores return identical values: times are BIGINT milliseconds since 1970
/// UTC, maps and lists JSONB. Names, paths and other text the store sorts by are `COLLATE "C"` (byte order, as
/// SQLite sorts), so the order of `apps()` does not depend on the database's locale. Generated ids are identity
/// columns; `test_runs.seq` breaks ties between runs created in the same millisecond (SQLite uses its rowid).
enum PostgresSchemaV1 {
    static let statements: [String] = [
        """
        CREATE TABLE pipelines (
            name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            repository TEXT NOT NULL,
            target_branch TEXT NOT NULL,
            review_config_vars JSONB NOT NULL,
            forks_get_review_config_vars BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE apps (
            name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            pipeline TEXT COLLATE "C" REFERENCES pipelines(name) ON DELETE RESTRICT,
            stage TEXT CHECK (stage IN ('review', 'development', 'staging', 'production')),
            created_at BIGINT NOT NULL,
            pr_number BIGINT,
            review_branch TEXT,
            head_commit TEXT,
            merge_commit TEXT,
            from_fork BOOLEAN,
            review_state TEXT CHECK (review_state IN ('creating', 'deployed', 'failed', 'destroyed')),
            last_deployed_at BIGINT,
            url_host TEXT,
            CHECK ((pipeline IS NULL) = (stage IS NULL)),
            CHECK ((pr_number IS NULL) = (review_state IS NULL)),
            CHECK (pr_number IS NULL OR stage = 'review')
        )
        """,
        "CREATE INDEX apps_by_pipeline ON apps(pipeline)",
        // One live review app per pull request; destroyed ones stay as history.
        """
        CREATE UNIQUE INDEX apps_live_review_app ON apps(pipeline, pr_number)
            WHERE pr_number IS NOT NULL AND review_state <> 'destroyed'
        """,
        """
        CREATE TABLE config_vars (
            app TEXT COLLATE "C" NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
            name TEXT COLLATE "C" NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (app, name)
        )
        """,
        """
        CREATE TABLE generated_secrets (
            app TEXT COLLATE "C" NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
            name TEXT COLLATE "C" NOT NULL,
            value TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (app, name)
        )
        """,
        """
        CREATE TABLE builds (
            id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            source_kind TEXT NOT NULL CHECK (source_kind IN ('commit', 'directory')),
            source TEXT NOT NULL,
            directory TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('building', 'succeeded', 'failed')),
            output_tail TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE releases (
            app TEXT COLLATE "C" NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
            version BIGINT NOT NULL CHECK (version >= 1),
            build_id TEXT COLLATE "C" REFERENCES builds(id) ON DELETE RESTRICT,
            config JSONB NOT NULL,
            description TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
            release_phase_output TEXT,
            created_at BIGINT NOT NULL,
            finished_at BIGINT,
            PRIMARY KEY (app, version)
        )
        """,
        "CREATE INDEX releases_by_build ON releases(build_id)",
        "CREATE INDEX releases_pending ON releases(state) WHERE state = 'pending'",
        """
        CREATE TABLE formation (
            app TEXT COLLATE "C" NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
            process_type TEXT COLLATE "C" NOT NULL,
            quantity BIGINT NOT NULL CHECK (quantity >= 0),
            size TEXT NOT NULL,
            PRIMARY KEY (app, process_type)
        )
        """,
        """
        CREATE TABLE dynos (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            app TEXT COLLATE "C" NOT NULL,
            release_version BIGINT NOT NULL,
            name TEXT COLLATE "C" NOT NULL,
            process_type TEXT NOT NULL,
            pid INTEGER,
            pgid INTEGER,
            port BIGINT,
            state TEXT NOT NULL CHECK (state IN ('starting', 'up', 'crashed', 'stopped')),
            started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            FOREIGN KEY (app, release_version) REFERENCES releases(app, version) ON DELETE CASCADE
        )
        """,
        "CREATE INDEX dynos_by_app ON dynos(app, release_version)",
        "CREATE INDEX dynos_by_state ON dynos(state)",
        // App and pipeline are plain names, not references: the record outlives what it acted on.
        """
        CREATE TABLE operations (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind TEXT NOT NULL,
            app TEXT,
            pipeline TEXT,
            state TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
            reason TEXT,
            started_at BIGINT NOT NULL,
            finished_at BIGINT
        )
        """,
        "CREATE INDEX operations_running ON operations(state) WHERE state = 'running'",
        """
        CREATE TABLE test_runs (
            id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            seq BIGINT GENERATED ALWAYS AS IDENTITY,
            pipeline TEXT COLLATE "C" NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
            pr_number BIGINT,
            branch TEXT,
            commit_id TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'error', 'cancelled')),
            workers BIGINT NOT NULL CHECK (workers BETWEEN 1 AND 32),
            split TEXT,
            shards JSONB NOT NULL,
            message TEXT,
            created_at BIGINT NOT NULL,
            started_at BIGINT,
            finished_at BIGINT,
            wall_time_seconds DOUBLE PRECISION
        )
        """,
        "CREATE INDEX test_runs_by_pr ON test_runs(pipeline, pr_number, created_at)",
        """
        CREATE TABLE test_file_results (
            run_id TEXT COLLATE "C" NOT NULL REFERENCES test_runs(id) ON DELETE CASCADE,
            path TEXT COLLATE "C" NOT NULL,
            worker BIGINT NOT NULL,
            seconds DOUBLE PRECISION NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'flaky')),
            attempts BIGINT NOT NULL,
            failure TEXT,
            -- Seconds after the run started that the file's last attempt began (the dashboard's timeline).
            start_offset_seconds DOUBLE PRECISION,
            PRIMARY KEY (run_id, path)
        )
        """,
        """
        CREATE TABLE file_timings (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            pipeline TEXT COLLATE "C" NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
            path TEXT COLLATE "C" NOT NULL,
            seconds DOUBLE PRECISION NOT NULL,
            recorded_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX file_timings_by_path ON file_timings(pipeline, path, id)",
        """
        CREATE TABLE checks (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            pipeline TEXT COLLATE "C" NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
            commit_id TEXT NOT NULL,
            context TEXT COLLATE "C" NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'success', 'failure', 'error')),
            description TEXT NOT NULL,
            target_url TEXT,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX checks_by_commit ON checks(pipeline, commit_id, context, id)",
        """
        CREATE TABLE gate_decisions (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            pipeline TEXT COLLATE "C" NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
            pr_number BIGINT NOT NULL,
            merge_commit TEXT,
            verdict TEXT NOT NULL CHECK (verdict IN ('merged', 'refused')),
            reason TEXT NOT NULL,
            decided_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX gate_decisions_by_pr ON gate_decisions(pipeline, pr_number, id)",
        // Only the SHA-256 of a token is stored, never the token.
        """
        CREATE TABLE api_tokens (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name TEXT COLLATE "C" NOT NULL,
            digest TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_used_at BIGINT,
            revoked_at BIGINT,
            CONSTRAINT api_tokens_digest UNIQUE (digest)
        )
        """,
        "CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL",
        """
        CREATE TABLE webhook_deliveries (
            id TEXT NOT NULL PRIMARY KEY,
            event TEXT NOT NULL,
            received_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries(received_at)",
        """
        CREATE TABLE pull_requests (
            pipeline TEXT COLLATE "C" NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
            number BIGINT NOT NULL CHECK (number > 0),
            state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'merged', 'stale')),
            branch TEXT NOT NULL,
            head_commit TEXT NOT NULL,
            from_fork BOOLEAN NOT NULL,
            event_at BIGINT,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (pipeline, number)
        )
        """,
    ]
}
