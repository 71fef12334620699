import SlipwayModel
/// Fork pull requests held for approval: the same columns as the SQLite store's `SchemaV4ForkApprovals`.
/// Frozen once shipped.
enum PostgresSchemaV4 {
    static let statements: [String] = [
        """
        ALTER TABLE pipelines ADD COLUMN fork_pull_requests TEXT NOT NULL DEFAULT 'approve'
            CHECK (fork_pull_requests IN ('approve', 'run', 'ignore'))
        """,
        "ALTER TABLE pull_requests ADD COLUMN approved_head TEXT",
        "ALTER TABLE pull_requests ADD COLUMN approved_by TEXT",
        "ALTER TABLE pull_requests ADD COLUMN approved_at BIGINT",
    ]
}
