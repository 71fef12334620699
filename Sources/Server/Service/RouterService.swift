import EdgeRouter
import ServiceLifecycle

/// Runs the EdgeRouter in the service group: binds on start, and on graceful shutdown stops accepting
/// and gives in-flight requests a few seconds to finish.
struct RouterService: Service {
    let router: EdgeRouter

    func run() async throws {
        try await router.start()
        try? await gracefulShutdown()
        try await router.shutdown(gracePeriod: .seconds(5))
    }
}
