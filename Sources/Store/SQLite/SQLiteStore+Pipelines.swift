import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func createPipeline(_ pipeline: Pipeline) async throws(StoreError) -> Pipeline {
        var stored = pipeline
        stored.createdAt = pipeline.createdAt.storedPrecision
        try Validation.pipeline(stored)
        let row = PipelineRow(stored)
        try await write { db in
            if try PipelineRow.exists(db, key: row.name) {
                throw StoreError.alreadyExists("pipeline '\(row.name)'")
            }
            try row.insert(db)
        }
        return stored
    }

    public func pipeline(named name: ResourceName) async throws(StoreError) -> Pipeline {
        try await read { db in try Self.requirePipeline(db, name).value() }
    }

    public func pipelines() async throws(StoreError) -> [Pipeline] {
        try await read { db in
            try PipelineRow.order(Column("name")).fetchAll(db).map { try $0.value() }
        }
    }

    public func updatePipeline(
        named name: ResourceName,
        _ change: @escaping @Sendable (inout Pipeline) -> Void
    ) async throws(StoreError) -> Pipeline {
        try await write { db in
            let old = try Self.requirePipeline(db, name).value()
            var new = old
            change(&new)
            guard new.name == old.name else {
                throw StoreError.invalidValue("name", "a pipeline cannot be renamed")
            }
            new.createdAt = old.createdAt
            try Validation.pipeline(new)
            try PipelineRow(new).update(db)
            return new
        }
    }

    public func deletePipeline(named name: ResourceName) async throws(StoreError) {
        try await write { db in
            _ = try Self.requirePipeline(db, name)
            let apps = try AppRow.filter(Column("pipeline") == name.rawValue).order(Column("name"))
                .fetchAll(db).map(\.name)
            guard apps.isEmpty else {
                let shown = apps.prefix(5).joined(separator: ", ") + (apps.count > 5 ? ", …" : "")
                throw StoreError(.conflict,
                    "pipeline '\(name)' still has apps (\(shown)); delete them or move them out of the pipeline first")
            }
            _ = try PipelineRow.deleteOne(db, key: name.rawValue)
        }
    }

    static func requirePipeline(_ db: Database, _ name: ResourceName) throws -> PipelineRow {
        guard let row = try PipelineRow.fetchOne(db, key: name.rawValue) else {
            throw StoreError.notFound("pipeline '\(name)'")
        }
        return row
    }
}
