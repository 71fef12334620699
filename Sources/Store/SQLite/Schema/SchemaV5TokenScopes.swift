import GRDB

/// Token scopes: each token's `scope` (`read`, `deploy`, `admin`); tokens made before scopes existed become
/// `admin`, which is what they could do. Frozen once shipped.
enum SchemaV5TokenScopes {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin'
                CHECK (scope IN ('read', 'deploy', 'admin'));
            """)
    }
}
