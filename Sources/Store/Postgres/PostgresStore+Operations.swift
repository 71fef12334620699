import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func beginOperation(
        kind: String,
        app: ResourceName?,
        pipeline: ResourceName?
    ) async throws(StoreError) -> TrackedOperation {
        try Validation.nonEmpty(kind, field: "operation.kind")
        let now = Date().storeMilliseconds
        return try await write { db in
            guard let row = try await db.row("""
                INSERT INTO operations (kind, app, pipeline, state, reason, started_at, finished_at)
                VALUES (\(kind), \(app?.rawValue), \(pipeline?.rawValue), 'running', NULL, \(now), NULL)
                RETURNING \(unescaped: PostgresRows.operation)
                """)
            else { throw StoreError(.database, "the database returned no operation") }
            return try PostgresRows.operation(row)
        }
    }

    public func finishOperation(id: Int64, state: OperationState, reason: String?) async throws(StoreError) -> TrackedOperation {
        guard state != .running else {
            throw StoreError.invalidValue("state", "an operation finishes as succeeded or failed")
        }
        let now = Date().storeMilliseconds
        return try await write { db in
            let old = try await Self.requireOperation(db, id, lock: "FOR UPDATE")
            guard old.state == .running else {
                throw StoreError(.conflict, "operation \(id) (\(old.kind)) has already \(old.state.rawValue)")
            }
            guard let row = try await db.row("""
                UPDATE operations SET state = \(state.rawValue), reason = \(reason), finished_at = \(now) WHERE id = \(id)
                RETURNING \(unescaped: PostgresRows.operation)
                """)
            else { throw StoreError.notFound("operation \(id)") }
            return try PostgresRows.operation(row)
        }
    }

    public func operation(id: Int64) async throws(StoreError) -> TrackedOperation {
        try await read { db in try await Self.requireOperation(db, id) }
    }

    public func operations(state: OperationState?, limit: Int?) async throws(StoreError) -> [TrackedOperation] {
        try await read { db in
            try await db.rows("""
                SELECT \(unescaped: PostgresRows.operation) FROM operations
                WHERE \(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)
                ORDER BY id DESC LIMIT \(limit.map { max($0, 0) })
                """).map(PostgresRows.operation)
        }
    }

    private static func requireOperation(_ db: PostgresTransaction, _ id: Int64, lock: String = "") async throws -> TrackedOperation {
        guard let row = try await db.row("SELECT \(unescaped: PostgresRows.operation) FROM operations WHERE id = \(id) \(unescaped: lock)") else {
            throw StoreError.notFound("operation \(id)")
        }
        return try PostgresRows.operation(row)
    }
}
