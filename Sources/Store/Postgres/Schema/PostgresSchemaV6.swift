/// Reporting back to GitHub: the same tables as the SQLite store's `SchemaV6GitHub`. Frozen once shipped.
enum PostgresSchemaV6 {
    static let statements: [String] = [
        """
        CREATE TABLE github_settings (
            pipeline TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES pipelines(name) ON DELETE CASCADE,
            owner TEXT NOT NULL,
            repository TEXT NOT NULL,
            api_base_url TEXT NOT NULL,
            credential_kind TEXT NOT NULL CHECK (credential_kind IN ('token', 'app')),
            token TEXT,
            app_id TEXT,
            installation_id BIGINT,
            private_key TEXT,
            pull_request_comment BOOLEAN NOT NULL DEFAULT FALSE,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE github_deliveries (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            pipeline TEXT COLLATE "C" NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('commit_status', 'deployment', 'deployment_status', 'comment')),
            ordering_key TEXT COLLATE "C" NOT NULL,
            coalesce_key TEXT COLLATE "C",
            method TEXT NOT NULL CHECK (method IN ('POST', 'PATCH')),
            path TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'superseded')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            last_status INTEGER,
            last_response TEXT,
            resource_id BIGINT,
            created_at BIGINT NOT NULL,
            finished_at BIGINT
        )
        """,
        "CREATE INDEX github_deliveries_pending ON github_deliveries(state, pipeline, ordering_key, id)",
        "CREATE INDEX github_deliveries_coalesce ON github_deliveries(pipeline, coalesce_key, state)",
    ]
}
