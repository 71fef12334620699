import SlipwayModel
/// The PostgreSQL schema, as an append-only list of migrations recorded in the table `schema_migrations`.
///
/// Same policy as the SQLite store's `Migrations`: a migration is never edited or removed once it has shipped; a
/// schema change is a new migration appended to `registered` with the next identifier. A database that has a
/// migration this build does not know was written by a newer Slipway and is refused (`incompatibleSchema`).
/// PostgreSQL's DDL is transactional, so all missing migrations are applied in one transaction, under an advisory
/// lock that makes a second Slipway starting at the same moment wait instead of racing.
enum PostgresMigrations {
    static let registered: [(identifier: String, statements: [String])] = [
        ("v1-initial-schema", PostgresSchemaV1.statements),
        ("v4-fork-approvals", PostgresSchemaV4.statements),
        ("v5-token-scopes", PostgresSchemaV5.statements),
        ("v6-github-reporting", PostgresSchemaV6.statements),
        ("v7-worker-tokens", PostgresSchemaV7.statements),
        ("v8-queued-test-runs", PostgresSchemaV8.statements),
        ("v9-service-instances", PostgresSchemaV9.statements),
    ]

    static var identifiers: [String] { registered.map(\.identifier) }

    /// The advisory lock key taken while migrating (any constant unlikely to collide: "slipway" in ASCII).
    static let lockKey: Int64 = 0x736c_6970_7761_79

    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            identifier TEXT NOT NULL PRIMARY KEY,
            applied_at BIGINT NOT NULL
        )
        """
}
