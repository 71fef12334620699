import SlipwayModel
import GRDB

/// Fork pull requests held for approval (SPEC §7): each pipeline's `fork_pull_requests` setting (existing
/// pipelines get the default, `approve`), and on each pull request the last approval — the head commit approved,
/// the approving token's name and when. Frozen once shipped.
enum SchemaV4ForkApprovals {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE pipelines ADD COLUMN fork_pull_requests TEXT NOT NULL DEFAULT 'approve'
                CHECK (fork_pull_requests IN ('approve', 'run', 'ignore'));
            ALTER TABLE pull_requests ADD COLUMN approved_head TEXT;
            ALTER TABLE pull_requests ADD COLUMN approved_by TEXT;
            ALTER TABLE pull_requests ADD COLUMN approved_at INTEGER;
            """)
    }
}
