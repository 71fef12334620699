/// Worker tokens: the same wider scope constraint as the SQLite store's `SchemaV7WorkerTokens` (PostgreSQL named
/// v5's inline CHECK `api_tokens_scope_check`). Frozen once shipped.
enum PostgresSchemaV7 {
    static let statements: [String] = [
        """
        ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check,
            ADD CONSTRAINT api_tokens_scope_check CHECK (scope IN ('read', 'deploy', 'admin', 'worker'))
        """,
    ]
}
