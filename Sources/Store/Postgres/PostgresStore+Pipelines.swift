import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func createPipeline(_ pipeline: Pipeline) async throws(StoreError) -> Pipeline {
        var stored = pipeline
        stored.createdAt = pipeline.createdAt.storedPrecision
        try Validation.pipeline(stored)
        let new = stored
        let vars = try Self.encode(new.reviewConfigVars)
        try await write { db in
            do {
                try await db.execute("""
                    INSERT INTO pipelines (\(unescaped: PostgresRows.pipeline))
                    VALUES (\(new.name.rawValue), \(new.repository), \(new.targetBranch), \(vars)::jsonb,
                            \(new.forksGetReviewConfigVars), \(new.forkPullRequests.rawValue),
                            \(new.createdAt.storeMilliseconds))
                    """)
            } catch let error where Self.isUniqueViolation(error, constraint: "pipelines_pkey") {
                throw StoreError.alreadyExists("pipeline '\(new.name)'")
            }
        }
        return stored
    }

    public func pipeline(named name: ResourceName) async throws(StoreError) -> Pipeline {
        try await read { db in try await Self.requirePipeline(db, name) }
    }

    public func pipelines() async throws(StoreError) -> [Pipeline] {
        try await read { db in
            try await db.rows("SELECT \(unescaped: PostgresRows.pipeline) FROM pipelines ORDER BY name").map(PostgresRows.pipeline)
        }
    }

    public func updatePipeline(
        named name: ResourceName,
        _ change: @escaping @Sendable (inout Pipeline) -> Void
    ) async throws(StoreError) -> Pipeline {
        try await write { db in
            let old = try await Self.requirePipeline(db, name, lock: "FOR NO KEY UPDATE")
            var new = old
            change(&new)
            guard new.name == old.name else {
                throw StoreError.invalidValue("name", "a pipeline cannot be renamed")
            }
            new.createdAt = old.createdAt
            try Validation.pipeline(new)
            try await db.execute("""
                UPDATE pipelines SET repository = \(new.repository), target_branch = \(new.targetBranch),
                    review_config_vars = \(try Self.encode(new.reviewConfigVars))::jsonb,
                    forks_get_review_config_vars = \(new.forksGetReviewConfigVars),
                    fork_pull_requests = \(new.forkPullRequests.rawValue)
                WHERE name = \(name.rawValue)
                """)
            return new
        }
    }

    public func deletePipeline(named name: ResourceName) async throws(StoreError) {
        try await write { db in
            // FOR UPDATE: a concurrent createApp in this pipeline waits (its foreign-key check needs the row).
            _ = try await Self.requirePipeline(db, name, lock: "FOR UPDATE")
            let apps = try await db.rows("SELECT name FROM apps WHERE pipeline = \(name.rawValue) ORDER BY name")
                .map { try $0.decode("name", as: String.self) }
            guard apps.isEmpty else {
                let shown = apps.prefix(5).joined(separator: ", ") + (apps.count > 5 ? ", …" : "")
                throw StoreError(.conflict,
                    "pipeline '\(name)' still has apps (\(shown)); delete them or move them out of the pipeline first")
            }
            try await db.execute("DELETE FROM pipelines WHERE name = \(name.rawValue)")
        }
    }

    /// The pipeline, optionally locked (`FOR UPDATE`, `FOR NO KEY UPDATE`, `FOR SHARE`); throws `notFound`.
    static func requirePipeline(_ db: PostgresTransaction, _ name: ResourceName, lock: String = "") async throws -> Pipeline {
        guard let row = try await db.row("""
            SELECT \(unescaped: PostgresRows.pipeline) FROM pipelines WHERE name = \(name.rawValue) \(unescaped: lock)
            """)
        else { throw StoreError.notFound("pipeline '\(name)'") }
        return try PostgresRows.pipeline(row)
    }

    /// JSON for a JSONB column, as a `StoreError` when encoding fails (it cannot for the maps and lists stored).
    static func encode<T: Encodable>(_ value: T) throws(StoreError) -> String {
        do {
            return try PostgresRows.json(value)
        } catch {
            throw StoreError(.database, "cannot encode \(T.self) as JSON: \(error)")
        }
    }
}
