import Foundation
import SlipwayModel
import PostgresNIO

extension PostgresStore {
    static let gitHubSettingsColumns = """
        pipeline, owner, repository, api_base_url, credential_kind, token, app_id, installation_id, private_key,
        pull_request_comment, updated_at
        """
    static let gitHubDeliveryColumns = """
        id, pipeline, kind, ordering_key, coalesce_key, method, path, body, state, attempts, next_attempt_at,
        last_status, last_response, resource_id, created_at, finished_at
        """

    public func gitHubSettings(pipeline: ResourceName) async throws(StoreError) -> GitHubSettings? {
        try await read { db in
            try await db.row("""
                SELECT \(unescaped: Self.gitHubSettingsColumns) FROM github_settings WHERE pipeline = \(pipeline.rawValue)
                """).map(Self.gitHubSettings)
        }
    }

    public func saveGitHubSettings(_ settings: GitHubSettings) async throws(StoreError) -> GitHubSettings {
        try GitHubStoredValues.validate(settings)
        let columns = GitHubSettingsColumns(settings.credentials)
        let updated = settings.updatedAt.storeMilliseconds
        return try await write { db in
            _ = try await Self.requirePipeline(db, settings.pipeline, lock: "FOR KEY SHARE")
            guard let row = try await db.row("""
                INSERT INTO github_settings (\(unescaped: Self.gitHubSettingsColumns))
                VALUES (\(settings.pipeline.rawValue), \(settings.owner), \(settings.repository), \(settings.apiBaseURL),
                        \(columns.credentialKind), \(columns.token), \(columns.appID), \(columns.installationID),
                        \(columns.privateKey), \(settings.pullRequestComment), \(updated))
                ON CONFLICT (pipeline) DO UPDATE SET owner = EXCLUDED.owner, repository = EXCLUDED.repository,
                    api_base_url = EXCLUDED.api_base_url, credential_kind = EXCLUDED.credential_kind, token = EXCLUDED.token,
                    app_id = EXCLUDED.app_id, installation_id = EXCLUDED.installation_id, private_key = EXCLUDED.private_key,
                    pull_request_comment = EXCLUDED.pull_request_comment, updated_at = EXCLUDED.updated_at
                RETURNING \(unescaped: Self.gitHubSettingsColumns)
                """)
            else { throw StoreError(.database, "the database returned no GitHub settings") }
            return try Self.gitHubSettings(row)
        }
    }

    public func deleteGitHubSettings(pipeline: ResourceName) async throws(StoreError) -> Bool {
        try await write { db in
            try await db.execute("DELETE FROM github_settings WHERE pipeline = \(pipeline.rawValue) RETURNING 1") == 1
        }
    }

    public func enqueueGitHubDelivery(_ delivery: GitHubDelivery) async throws(StoreError) -> GitHubDelivery {
        try GitHubStoredValues.validate(delivery)
        let created = delivery.createdAt.storeMilliseconds
        let next = delivery.nextAttemptAt.storeMilliseconds
        return try await write { db in
            // The pipeline's row lock orders enqueues of one pipeline, so ids follow the order of the calls and a
            // coalescing update never races an insert of the same key.
            _ = try await Self.requirePipeline(db, delivery.pipeline, lock: "FOR NO KEY UPDATE")
            if let key = delivery.coalesceKey {
                try await db.execute("""
                    UPDATE github_deliveries SET state = 'superseded', finished_at = \(created)
                    WHERE pipeline = \(delivery.pipeline.rawValue) AND coalesce_key = \(key) AND state = 'pending'
                    """)
            }
            guard let row = try await db.row("""
                INSERT INTO github_deliveries (pipeline, kind, ordering_key, coalesce_key, method, path, body, state, attempts,
                                               next_attempt_at, created_at)
                VALUES (\(delivery.pipeline.rawValue), \(delivery.kind.rawValue), \(delivery.orderingKey), \(delivery.coalesceKey),
                        \(delivery.request.method.rawValue), \(delivery.request.path), \(delivery.request.body), 'pending', 0,
                        \(next), \(created))
                RETURNING \(unescaped: Self.gitHubDeliveryColumns)
                """)
            else { throw StoreError(.database, "the database returned no GitHub delivery") }
            return try Self.gitHubDelivery(row)
        }
    }

    public func dueGitHubDeliveries(now: Date, limit: Int) async throws(StoreError) -> [GitHubDelivery] {
        let cutoff = now.storeMilliseconds
        return try await read { db in
            try await db.rows("""
                SELECT \(unescaped: Self.gitHubDeliveryColumns) FROM github_deliveries AS d
                WHERE d.state = 'pending' AND d.next_attempt_at <= \(cutoff)
                  AND NOT EXISTS (SELECT 1 FROM github_deliveries AS e
                                  WHERE e.state = 'pending' AND e.pipeline = d.pipeline
                                    AND e.ordering_key = d.ordering_key AND e.id < d.id)
                ORDER BY d.id LIMIT \(limit)
                """).map(Self.gitHubDelivery)
        }
    }

    public func recordGitHubAttempt(id: Int64, outcome: GitHubAttemptOutcome) async throws(StoreError) -> GitHubDelivery {
        let columns = GitHubStoredValues.columns(for: outcome, now: Date())
        let retry = columns.state == .pending
        return try await write { db in
            // A retry of a delivery a newer one superseded meanwhile stays superseded (see the SQLite store).
            guard let row = try await db.row("""
                UPDATE github_deliveries SET attempts = attempts + 1, last_status = \(columns.status),
                    last_response = \(columns.response),
                    next_attempt_at = COALESCE(\(columns.next), next_attempt_at),
                    resource_id = COALESCE(\(columns.resourceID), resource_id),
                    state = CASE WHEN state = 'superseded' AND \(retry) THEN state ELSE \(columns.state.rawValue) END,
                    finished_at = CASE WHEN state = 'superseded' AND \(retry) THEN finished_at ELSE \(columns.finished) END
                WHERE id = \(id)
                RETURNING \(unescaped: Self.gitHubDeliveryColumns)
                """)
            else { throw StoreError.notFound("GitHub delivery \(id)") }
            return try Self.gitHubDelivery(row)
        }
    }

    public func latestDeliveredGitHubDelivery(pipeline: ResourceName, kind: GitHubDeliveryKind,
                                              orderingKey: String) async throws(StoreError) -> GitHubDelivery? {
        try await read { db in
            try await db.row("""
                SELECT \(unescaped: Self.gitHubDeliveryColumns) FROM github_deliveries
                WHERE pipeline = \(pipeline.rawValue) AND kind = \(kind.rawValue) AND ordering_key = \(orderingKey) AND state = 'delivered'
                ORDER BY id DESC LIMIT 1
                """).map(Self.gitHubDelivery)
        }
    }

    public func gitHubDeliveries(pipeline: ResourceName?, states: Set<GitHubDeliveryState>?, limit: Int) async throws(StoreError) -> [GitHubDelivery] {
        let states = (states ?? Set(GitHubDeliveryState.allCases)).map(\.rawValue).sorted()
        return try await read { db in
            try await db.rows("""
                SELECT \(unescaped: Self.gitHubDeliveryColumns) FROM github_deliveries
                WHERE (\(pipeline?.rawValue)::text IS NULL OR pipeline = \(pipeline?.rawValue)) AND state = ANY(\(states))
                ORDER BY id DESC LIMIT \(limit)
                """).map(Self.gitHubDelivery)
        }
    }

    static func gitHubSettings(_ row: PostgresRandomAccessRow) throws -> GitHubSettings {
        let columns = GitHubSettingsColumns(
            credentialKind: try row.decode("credential_kind"), token: try row.decode("token"), appID: try row.decode("app_id"),
            installationID: try row.decode("installation_id"), privateKey: try row.decode("private_key"))
        return GitHubSettings(
            pipeline: try storedName(row.decode("pipeline")), owner: try row.decode("owner"), repository: try row.decode("repository"),
            apiBaseURL: try row.decode("api_base_url"), credentials: try columns.credentials(),
            pullRequestComment: try row.decode("pull_request_comment"),
            updatedAt: Date(storeMilliseconds: try row.decode("updated_at")))
    }

    static func gitHubDelivery(_ row: PostgresRandomAccessRow) throws -> GitHubDelivery {
        let lastStatus: Int32? = try row.decode("last_status")
        let attempts: Int32 = try row.decode("attempts")
        return GitHubDelivery(
            id: try row.decode("id"), pipeline: try storedName(row.decode("pipeline")),
            kind: try storedEnum(row.decode("kind"), GitHubDeliveryKind.self),
            orderingKey: try row.decode("ordering_key"), coalesceKey: try row.decode("coalesce_key"),
            request: GitHubRequest(method: try storedEnum(row.decode("method"), GitHubMethod.self), path: try row.decode("path"),
                                   body: try row.decode("body")),
            state: try storedEnum(row.decode("state"), GitHubDeliveryState.self), attempts: Int(attempts),
            nextAttemptAt: Date(storeMilliseconds: try row.decode("next_attempt_at")),
            lastStatus: lastStatus.map(Int.init), lastResponse: try row.decode("last_response"),
            resourceID: try row.decode("resource_id"),
            createdAt: Date(storeMilliseconds: try row.decode("created_at")),
            finishedAt: (try row.decode("finished_at", as: Int64?.self)).map(Date.init(storeMilliseconds:)))
    }
}
