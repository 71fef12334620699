import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func createApp(_ app: App) async throws(StoreError) -> App {
        var stored = app
        stored.createdAt = app.createdAt.storedPrecision
        if let deployed = app.review?.lastDeployedAt { stored.review?.lastDeployedAt = deployed.storedPrecision }
        try Validation.app(stored)
        let new = stored
        try await write { db in
            if try await db.row("SELECT 1 FROM apps WHERE name = \(new.name.rawValue)") != nil {
                throw StoreError.alreadyExists("app '\(new.name)'")
            }
            try await Self.lockPipelineForApp(db, new)
            try await Self.refuseSecondLiveReviewApp(db, new)
            let review = new.review
            do {
                try await db.execute("""
                    INSERT INTO apps (\(unescaped: PostgresRows.app))
                    VALUES (\(new.name.rawValue), \(new.pipeline?.rawValue), \(new.stage?.rawValue),
                            \(new.createdAt.storeMilliseconds), \(review?.prNumber), \(review?.branch), \(review?.headCommit),
                            \(review?.mergeCommit), \(review?.fromFork), \(review?.state.rawValue),
                            \(review?.lastDeployedAt?.storeMilliseconds), \(review?.urlHost))
                    """)
            } catch let error where Self.isUniqueViolation(error, constraint: "apps_pkey") {
                throw StoreError.alreadyExists("app '\(new.name)'")
            }
        }
        return stored
    }

    public func app(named name: ResourceName) async throws(StoreError) -> App {
        try await read { db in try await Self.requireApp(db, name) }
    }

    public func apps() async throws(StoreError) -> [App] {
        try await read { db in
            try await db.rows("SELECT \(unescaped: PostgresRows.app) FROM apps ORDER BY name").map(PostgresRows.app)
        }
    }

    public func apps(inPipeline pipeline: ResourceName) async throws(StoreError) -> [App] {
        try await read { db in
            _ = try await Self.requirePipeline(db, pipeline)
            return try await db.rows("""
                SELECT \(unescaped: PostgresRows.app) FROM apps WHERE pipeline = \(pipeline.rawValue) ORDER BY name
                """).map(PostgresRows.app)
        }
    }

    public func reviewApp(pipeline: ResourceName, prNumber: Int) async throws(StoreError) -> App? {
        try await read { db in
            try await db.row("""
                SELECT \(unescaped: PostgresRows.app) FROM apps
                WHERE pipeline = \(pipeline.rawValue) AND pr_number = \(prNumber) AND review_state <> 'destroyed'
                """).map(PostgresRows.app)
        }
    }

    public func updateApp(
        named name: ResourceName,
        _ change: @escaping @Sendable (inout App) -> Void
    ) async throws(StoreError) -> App {
        try await write { db in
            let old = try await Self.requireApp(db, name, lock: "FOR NO KEY UPDATE")
            var new = old
            change(&new)
            guard new.name == old.name else { throw StoreError.invalidValue("name", "an app cannot be renamed") }
            new.createdAt = old.createdAt
            if let deployed = new.review?.lastDeployedAt { new.review?.lastDeployedAt = deployed.storedPrecision }
            try Validation.app(new)
            try await Self.lockPipelineForApp(db, new)
            try await Self.refuseSecondLiveReviewApp(db, new)
            let review = new.review
            try await db.execute("""
                UPDATE apps SET pipeline = \(new.pipeline?.rawValue), stage = \(new.stage?.rawValue),
                    pr_number = \(review?.prNumber), review_branch = \(review?.branch), head_commit = \(review?.headCommit),
                    merge_commit = \(review?.mergeCommit), from_fork = \(review?.fromFork),
                    review_state = \(review?.state.rawValue), last_deployed_at = \(review?.lastDeployedAt?.storeMilliseconds),
                    url_host = \(review?.urlHost)
                WHERE name = \(name.rawValue)
                """)
            return new
        }
    }

    public func deleteApp(named name: ResourceName) async throws(StoreError) {
        try await write { db in
            _ = try await Self.requireApp(db, name, lock: "FOR UPDATE")
            // Dynos reference releases, which reference the app; delete children first so the order of cascades
            // never matters (as in the SQLite store).
            try await db.execute("DELETE FROM dynos WHERE app = \(name.rawValue)")
            try await db.execute("DELETE FROM apps WHERE name = \(name.rawValue)")
        }
    }

    /// The app, optionally locked; throws `notFound`.
    static func requireApp(_ db: PostgresTransaction, _ name: ResourceName, lock: String = "") async throws -> App {
        guard let row = try await db.row("""
            SELECT \(unescaped: PostgresRows.app) FROM apps WHERE name = \(name.rawValue) \(unescaped: lock)
            """)
        else { throw StoreError.notFound("app '\(name)'") }
        return try PostgresRows.app(row)
    }

    /// Locks the app's pipeline so that two transactions placing review apps in it run one after the other (the
    /// second then sees the first's app and gets the same `conflict` as with SQLite); throws `notFound` for an
    /// unknown pipeline, which SQLite's foreign key reports the same way.
    private static func lockPipelineForApp(_ db: PostgresTransaction, _ app: App) async throws {
        guard let pipeline = app.pipeline else { return }
        guard try await db.row("SELECT 1 FROM pipelines WHERE name = \(pipeline.rawValue) FOR NO KEY UPDATE") != nil else {
            throw StoreError.notFound("pipeline '\(pipeline)'")
        }
    }

    /// A clear message for the case the partial unique index `apps_live_review_app` would refuse.
    private static func refuseSecondLiveReviewApp(_ db: PostgresTransaction, _ app: App) async throws {
        guard let pipeline = app.pipeline, let review = app.review, review.state != .destroyed else { return }
        let other = try await db.row("""
            SELECT name FROM apps
            WHERE pipeline = \(pipeline.rawValue) AND pr_number = \(review.prNumber) AND review_state <> 'destroyed'
              AND name <> \(app.name.rawValue)
            LIMIT 1
            """)
        if let other {
            throw StoreError(.conflict,
                "pull request #\(review.prNumber) of pipeline '\(pipeline)' already has the review app '\(try other.decode("name", as: String.self))'")
        }
    }
}
