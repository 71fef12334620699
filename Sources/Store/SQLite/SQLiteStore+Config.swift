import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func configVars(app: ResourceName) async throws(StoreError) -> [String: String] {
        try await read { db in
            _ = try Self.requireApp(db, app)
            return try Self.configVars(db, app)
        }
    }

    public func updateConfigVars(
        app: ResourceName,
        set: [String: String],
        unset: [String],
        description: String?
    ) async throws(StoreError) -> Release {
        try Validation.configChange(set: set, unset: unset)
        let summary = description ?? Validation.describeConfigChange(set: set, unset: unset)
        return try await write { db in
            _ = try Self.requireApp(db, app)
            // REPLACE rather than GRDB's upsert, which needs a rowid this WITHOUT ROWID table lacks.
            for (name, value) in set {
                try ConfigVarRow(app: app.rawValue, name: name, value: value).insert(db, onConflict: .replace)
            }
            if !unset.isEmpty {
                try ConfigVarRow
                    .filter(Column("app") == app.rawValue && unset.contains(Column("name")))
                    .deleteAll(db)
            }
            let build = try Self.currentReleaseRow(db, app)?.buildId
            return try Self.insertRelease(
                db, app: app, buildID: build, config: Self.configVars(db, app),
                description: summary, state: build == nil ? .succeeded : .pending)
        }
    }

    public func generatedSecrets(app: ResourceName) async throws(StoreError) -> [String: String] {
        try await read { db in
            _ = try Self.requireApp(db, app)
            return try Self.secrets(db, app)
        }
    }

    public func storeGeneratedSecrets(
        app: ResourceName,
        _ secrets: [String: String]
    ) async throws(StoreError) -> [String: String] {
        try Validation.configKeys(secrets.keys, field: "secrets")
        let now = Date().storeMilliseconds
        return try await write { db in
            _ = try Self.requireApp(db, app)
            for (name, value) in secrets {
                // INSERT OR IGNORE: a secret already generated keeps its first value.
                try GeneratedSecretRow(app: app.rawValue, name: name, value: value, createdAt: now)
                    .insert(db, onConflict: .ignore)
            }
            return try Self.secrets(db, app)
        }
    }

    static func configVars(_ db: Database, _ app: ResourceName) throws -> [String: String] {
        let rows = try ConfigVarRow.filter(Column("app") == app.rawValue).fetchAll(db)
        return Dictionary(rows.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private static func secrets(_ db: Database, _ app: ResourceName) throws -> [String: String] {
        let rows = try GeneratedSecretRow.filter(Column("app") == app.rawValue).fetchAll(db)
        return Dictionary(rows.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
