import SlipwayModel
import GRDB

/// The schema, as an append-only list of migrations.
///
/// Policy: a migration is never edited or removed once it has shipped; a schema change is a new migration
/// appended to `registered` with the next identifier (`v2-…`, `v3-…`). A database that has a migration this
/// build does not know was written by a newer Slipway and is refused (`incompatibleSchema`) rather than
/// guessed at. Times are INTEGER milliseconds since 1970 UTC; maps and lists are JSON text; every table is
/// STRICT so a wrong type is an error, not a silent conversion.
enum Migrations {
    static let registered: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        ("v1-initial-schema", SchemaV1.create),
        ("v2-test-file-start-offsets", SchemaV2.migrate),
        ("v3-pull-requests", SchemaV3PullRequests.create),
        ("v4-fork-approvals", SchemaV4ForkApprovals.migrate),
        ("v5-token-scopes", SchemaV5TokenScopes.migrate),
        ("v6-github-reporting", SchemaV6GitHub.migrate),
        ("v7-worker-tokens", SchemaV7WorkerTokens.migrate),
        ("v8-queued-test-runs", SchemaV8QueuedTestRuns.migrate),
        ("v9-service-instances", SchemaV9ServiceInstances.migrate),
    ]

    static var identifiers: [String] { registered.map(\.identifier) }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in registered {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        return migrator
    }
}
