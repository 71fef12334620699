import SlipwayModel
import GRDB

/// Pull requests and their state (open / closed / merged), so a closed one stays closed across polls and
/// restarts. Deleted with their pipeline.
enum SchemaV3PullRequests {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE pull_requests (
                pipeline TEXT NOT NULL REFERENCES pipelines(name) ON DELETE CASCADE,
                number INTEGER NOT NULL CHECK (number > 0),
                state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'merged', 'stale')),
                branch TEXT NOT NULL,
                head_commit TEXT NOT NULL,
                from_fork INTEGER NOT NULL,
                event_at INTEGER,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (pipeline, number)
            ) STRICT;
            """)
    }
}
