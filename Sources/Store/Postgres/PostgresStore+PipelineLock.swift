import Foundation
import SlipwayModel
import PostgresNIO

/// Per-pipeline mutual exclusion across instances: a session-level advisory lock on a pooled connection held for the
/// body's duration. Session-level (not a transaction's) because a reconciliation runs many transactions of its own
/// on other connections and takes minutes at most; the lock is tied to the connection, so an instance killed while
/// holding it loses the connection and PostgreSQL releases the lock at once. Taken with `pg_try_advisory_lock`
/// every 50 ms rather than a blocking `pg_advisory_lock`, so a waiting instance can still be cancelled (shutdown).
extension PostgresStore {
    /// The advisory-lock key space of pipelines (keys are 64-bit hashes of "pipeline:<name>"; a collision of two
    /// names only makes them take turns). Distinct from `PostgresMigrations.lockKey`, a plain constant.
    static func pipelineLockName(_ pipeline: ResourceName) -> String { "slipway-pipeline:\(pipeline.rawValue)" }

    public func withPipelineLock<T: Sendable>(_ pipeline: ResourceName, _ body: @Sendable () async throws -> T) async throws -> T {
        await running.wait()
        if isClosed.withLock({ $0 }) { throw StoreError(.database, "the store is closed") }
        let name = Self.pipelineLockName(pipeline)
        let logger = self.logger
        return try await client.withConnection { connection in
            while true {
                let locked = try await connection.query(
                    "SELECT pg_try_advisory_lock(hashtextextended(\(name), 0)) AS locked", logger: logger)
                var granted = false
                for try await (value) in locked.decode(Bool.self) { granted = value }
                if granted { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            do {
                let result = try await body()
                // A connection that broke meanwhile took the lock with it; nothing more to release then.
                try? await Self.unlock(name, on: connection, logger: logger)
                return result
            } catch {
                try? await Self.unlock(name, on: connection, logger: logger)
                throw error
            }
        }
    }

    private static func unlock(_ name: String, on connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(name), 0))", logger: logger) {}
    }
}
