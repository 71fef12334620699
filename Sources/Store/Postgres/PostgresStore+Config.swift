import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    public func configVars(app: ResourceName) async throws(StoreError) -> [String: String] {
        try await read { db in
            _ = try await Self.requireApp(db, app)
            return try await Self.configVars(db, app)
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
            // The app's row lock orders this change with every other config change and release of the app.
            _ = try await Self.requireApp(db, app, lock: "FOR NO KEY UPDATE")
            for (name, value) in set.sorted(by: { $0.key < $1.key }) {
                try await db.execute("""
                    INSERT INTO config_vars (app, name, value) VALUES (\(app.rawValue), \(name), \(value))
                    ON CONFLICT (app, name) DO UPDATE SET value = EXCLUDED.value
                    """)
            }
            if !unset.isEmpty {
                try await db.execute("DELETE FROM config_vars WHERE app = \(app.rawValue) AND name = ANY(\(unset))")
            }
            let build = try await Self.currentRelease(db, app)?.buildID
            return try await Self.insertRelease(
                db, app: app, buildID: build, config: Self.configVars(db, app),
                description: summary, state: build == nil ? .succeeded : .pending)
        }
    }

    public func generatedSecrets(app: ResourceName) async throws(StoreError) -> [String: String] {
        try await read { db in
            _ = try await Self.requireApp(db, app)
            return try await Self.secrets(db, app)
        }
    }

    public func storeGeneratedSecrets(
        app: ResourceName,
        _ secrets: [String: String]
    ) async throws(StoreError) -> [String: String] {
        try Validation.configKeys(secrets.keys, field: "secrets")
        let now = Date().storeMilliseconds
        return try await write { db in
            _ = try await Self.requireApp(db, app, lock: "FOR KEY SHARE")
            for (name, value) in secrets.sorted(by: { $0.key < $1.key }) {
                // ON CONFLICT DO NOTHING: a secret already generated keeps its first value, even when a concurrent
                // transaction stored it a moment ago.
                try await db.execute("""
                    INSERT INTO generated_secrets (app, name, value, created_at) VALUES (\(app.rawValue), \(name), \(value), \(now))
                    ON CONFLICT (app, name) DO NOTHING
                    """)
            }
            return try await Self.secrets(db, app)
        }
    }

    static func configVars(_ db: PostgresTransaction, _ app: ResourceName) async throws -> [String: String] {
        let rows = try await db.rows("SELECT name, value FROM config_vars WHERE app = \(app.rawValue)")
        return Dictionary(try rows.map { (try $0.decode("name", as: String.self), try $0.decode("value", as: String.self)) },
                          uniquingKeysWith: { first, _ in first })
    }

    private static func secrets(_ db: PostgresTransaction, _ app: ResourceName) async throws -> [String: String] {
        let rows = try await db.rows("SELECT name, value FROM generated_secrets WHERE app = \(app.rawValue)")
        return Dictionary(try rows.map { (try $0.decode("name", as: String.self), try $0.decode("value", as: String.self)) },
                          uniquingKeysWith: { first, _ in first })
    }
}
