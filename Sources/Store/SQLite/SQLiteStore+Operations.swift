import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func beginOperation(
        kind: String,
        app: ResourceName?,
        pipeline: ResourceName?
    ) async throws(StoreError) -> TrackedOperation {
        try Validation.nonEmpty(kind, field: "operation.kind")
        let row = OperationRow(
            id: nil, kind: kind, app: app?.rawValue, pipeline: pipeline?.rawValue,
            state: OperationState.running.rawValue, reason: nil, startedAt: Date().storeMilliseconds, finishedAt: nil)
        return try await write { db in
            try row.insert(db)
            var stored = row
            stored.id = db.lastInsertedRowID
            return try stored.value()
        }
    }

    public func finishOperation(id: Int64, state: OperationState, reason: String?) async throws(StoreError) -> TrackedOperation {
        guard state != .running else {
            throw StoreError.invalidValue("state", "an operation finishes as succeeded or failed")
        }
        let now = Date().storeMilliseconds
        return try await write { db in
            var row = try Self.requireOperation(db, id)
            guard row.state == OperationState.running.rawValue else {
                throw StoreError(.conflict, "operation \(id) (\(row.kind)) has already \(row.state)")
            }
            row.state = state.rawValue
            row.reason = reason
            row.finishedAt = now
            try row.update(db)
            return try row.value()
        }
    }

    public func operation(id: Int64) async throws(StoreError) -> TrackedOperation {
        try await read { db in try Self.requireOperation(db, id).value() }
    }

    public func operations(state: OperationState?, limit: Int?) async throws(StoreError) -> [TrackedOperation] {
        try await read { db in
            var request = OperationRow.order(Column("id").desc)
            if let state { request = request.filter(Column("state") == state.rawValue) }
            if let limit { request = request.limit(max(limit, 0)) }
            return try request.fetchAll(db).map { try $0.value() }
        }
    }

    private static func requireOperation(_ db: Database, _ id: Int64) throws -> OperationRow {
        guard let row = try OperationRow.fetchOne(db, key: id) else { throw StoreError.notFound("operation \(id)") }
        return row
    }
}
