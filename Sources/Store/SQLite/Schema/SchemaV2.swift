import SlipwayModel
import GRDB

/// When each file's last attempt started, so the dashboard can draw a run's timeline. Additive: rows written
/// before it have no offset (NULL), and the dashboard lays such a worker's files end to end. Frozen once shipped.
enum SchemaV2 {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE test_file_results ADD COLUMN start_offset_seconds REAL;
            """)
    }
}
