import Logging
import ServiceLifecycle
import SlipwayModel
import Store

/// Runs the store for the life of the service: its background work (a PostgreSQL store's connection pool) and,
/// on shutdown, closing it. It is the first service of the outer group, so it is the last one shut down: the API
/// and the router stop before the store closes under them.
struct StoreService: Service {
    let store: any SlipwayStore
    let logger: Logger

    func run() async throws {
        await withDiscardingTaskGroup { group in
            // Ends when the store closes (the SQLite store has nothing to run and returns at once).
            group.addTask { await store.run() }
            try? await gracefulShutdown()
            do {
                try await store.close()
            } catch {
                logger.error("closing the store failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
