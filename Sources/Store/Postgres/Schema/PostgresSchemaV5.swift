/// Token scopes: the same column as the SQLite store's `SchemaV5TokenScopes`. Frozen once shipped.
enum PostgresSchemaV5 {
    static let statements: [String] = [
        """
        ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin'
            CHECK (scope IN ('read', 'deploy', 'admin'))
        """,
    ]
}
