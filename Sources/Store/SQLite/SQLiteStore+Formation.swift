import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func formation(app: ResourceName) async throws(StoreError) -> [FormationEntry] {
        try await read { db in
            _ = try Self.requireApp(db, app)
            return try Self.formation(db, app)
        }
    }

    public func updateFormation(
        app: ResourceName,
        _ entries: [FormationEntry],
        removingOthers: Bool
    ) async throws(StoreError) -> [FormationEntry] {
        try Validation.formation(entries)
        let types = entries.map(\.processType)
        return try await write { db in
            _ = try Self.requireApp(db, app)
            if removingOthers {
                try FormationRow.filter(Column("app") == app.rawValue && !types.contains(Column("process_type")))
                    .deleteAll(db)
            }
            for entry in entries {
                try FormationRow(app: app.rawValue, processType: entry.processType, quantity: entry.quantity, size: entry.size)
                    .insert(db, onConflict: .replace)
            }
            return try Self.formation(db, app)
        }
    }

    private static func formation(_ db: Database, _ app: ResourceName) throws -> [FormationEntry] {
        try FormationRow.filter(Column("app") == app.rawValue).order(Column("process_type")).fetchAll(db).map(\.value)
    }
}
