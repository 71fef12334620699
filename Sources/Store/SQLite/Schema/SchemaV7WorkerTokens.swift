import GRDB

/// Worker tokens: `api_tokens.scope` may also be `worker`. SQLite cannot change a column's CHECK in place, so the
/// table is rebuilt with the wider constraint: the same columns, rows, ids and index. Frozen once shipped.
enum SchemaV7WorkerTokens {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE api_tokens_v7 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                digest TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                last_used_at INTEGER,
                revoked_at INTEGER,
                scope TEXT NOT NULL DEFAULT 'admin' CHECK (scope IN ('read', 'deploy', 'admin', 'worker'))
            ) STRICT;
            INSERT INTO api_tokens_v7 (id, name, digest, created_at, last_used_at, revoked_at, scope)
                SELECT id, name, digest, created_at, last_used_at, revoked_at, scope FROM api_tokens;
            DROP TABLE api_tokens;
            ALTER TABLE api_tokens_v7 RENAME TO api_tokens;
            CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL;
            """)
    }
}
