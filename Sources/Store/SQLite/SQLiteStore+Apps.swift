import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func createApp(_ app: App) async throws(StoreError) -> App {
        var stored = app
        stored.createdAt = app.createdAt.storedPrecision
        if let deployed = app.review?.lastDeployedAt { stored.review?.lastDeployedAt = deployed.storedPrecision }
        try Validation.app(stored)
        let row = AppRow(stored)
        let app = stored
        try await write { db in
            if try AppRow.exists(db, key: row.name) {
                throw StoreError.alreadyExists("app '\(row.name)'")
            }
            try Self.refuseSecondLiveReviewApp(db, app)
            do {
                try row.insert(db)
            } catch DatabaseError.SQLITE_CONSTRAINT_FOREIGNKEY {
                // The schema's reference to pipelines(name) is what refuses an unknown pipeline.
                throw StoreError.notFound("pipeline '\(row.pipeline ?? "")'")
            }
        }
        return stored
    }

    public func app(named name: ResourceName) async throws(StoreError) -> App {
        try await read { db in try Self.requireApp(db, name).value() }
    }

    public func apps() async throws(StoreError) -> [App] {
        try await read { db in try AppRow.order(Column("name")).fetchAll(db).map { try $0.value() } }
    }

    public func apps(inPipeline pipeline: ResourceName) async throws(StoreError) -> [App] {
        try await read { db in
            _ = try Self.requirePipeline(db, pipeline)
            return try AppRow.filter(Column("pipeline") == pipeline.rawValue).order(Column("name"))
                .fetchAll(db).map { try $0.value() }
        }
    }

    public func reviewApp(pipeline: ResourceName, prNumber: Int) async throws(StoreError) -> App? {
        try await read { db in
            try AppRow
                .filter(Column("pipeline") == pipeline.rawValue && Column("pr_number") == prNumber)
                .filter(Column("review_state") != ReviewAppState.destroyed.rawValue)
                .fetchOne(db)?.value()
        }
    }

    public func updateApp(
        named name: ResourceName,
        _ change: @escaping @Sendable (inout App) -> Void
    ) async throws(StoreError) -> App {
        try await write { db in
            let old = try Self.requireApp(db, name).value()
            var new = old
            change(&new)
            guard new.name == old.name else { throw StoreError.invalidValue("name", "an app cannot be renamed") }
            new.createdAt = old.createdAt
            if let deployed = new.review?.lastDeployedAt { new.review?.lastDeployedAt = deployed.storedPrecision }
            try Validation.app(new)
            try Self.refuseSecondLiveReviewApp(db, new)
            do {
                try AppRow(new).update(db)
            } catch DatabaseError.SQLITE_CONSTRAINT_FOREIGNKEY {
                throw StoreError.notFound("pipeline '\(new.pipeline?.rawValue ?? "")'")
            }
            return new
        }
    }

    public func deleteApp(named name: ResourceName) async throws(StoreError) {
        try await write { db in
            _ = try Self.requireApp(db, name)
            // Dynos reference releases, which reference the app; delete children first so the order of
            // cascades never matters.
            try DynoRow.filter(Column("app") == name.rawValue).deleteAll(db)
            _ = try AppRow.deleteOne(db, key: name.rawValue)
        }
    }

    static func requireApp(_ db: Database, _ name: ResourceName) throws -> AppRow {
        guard let row = try AppRow.fetchOne(db, key: name.rawValue) else {
            throw StoreError.notFound("app '\(name)'")
        }
        return row
    }

    /// A clear message for the case the partial unique index `apps_live_review_app` would refuse.
    private static func refuseSecondLiveReviewApp(_ db: Database, _ app: App) throws {
        guard let pipeline = app.pipeline, let review = app.review, review.state != .destroyed else { return }
        let other = try AppRow
            .filter(Column("pipeline") == pipeline.rawValue && Column("pr_number") == review.prNumber)
            .filter(Column("review_state") != ReviewAppState.destroyed.rawValue)
            .filter(Column("name") != app.name.rawValue)
            .fetchOne(db)
        if let other {
            throw StoreError(.conflict,
                "pull request #\(review.prNumber) of pipeline '\(pipeline)' already has the review app '\(other.name)'")
        }
    }
}
