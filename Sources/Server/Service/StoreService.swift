import Logging
import ServiceLifecycle
import Store

/// Holds the store open for the life of the service group and closes it on shutdown. It is the first
/// service of the group, so it is the last one shut down: the API and the router stop before the store
/// closes under them.
struct StoreService: Service {
    let store: any SlipwayStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try await store.close()
        } catch {
            logger.error("closing the store failed", metadata: ["error": "\(error.message)"])
        }
    }
}
