import GRDB

/// Reporting back to GitHub: each pipeline's settings (credentials are secrets: never shown) and the durable
/// outbox of requests to GitHub. Frozen once shipped.
enum SchemaV6GitHub {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE github_settings (
                pipeline TEXT NOT NULL PRIMARY KEY REFERENCES pipelines(name) ON DELETE CASCADE,
                owner TEXT NOT NULL,
                repository TEXT NOT NULL,
                api_base_url TEXT NOT NULL,
                credential_kind TEXT NOT NULL CHECK (credential_kind IN ('token', 'app')),
                token TEXT,
                app_id TEXT,
                installation_id INTEGER,
                private_key TEXT,
                pull_request_comment INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE github_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('commit_status', 'deployment', 'deployment_status', 'comment')),
                ordering_key TEXT NOT NULL,
                coalesce_key TEXT,
                method TEXT NOT NULL CHECK (method IN ('POST', 'PATCH')),
                path TEXT NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'superseded')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_status INTEGER,
                last_response TEXT,
                resource_id INTEGER,
                created_at INTEGER NOT NULL,
                finished_at INTEGER
            ) STRICT;
            CREATE INDEX github_deliveries_pending ON github_deliveries(state, pipeline, ordering_key, id);
            CREATE INDEX github_deliveries_coalesce ON github_deliveries(pipeline, coalesce_key, state);
            """)
    }
}
