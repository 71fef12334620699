import Certificates
import EdgeRouter
import ServiceLifecycle

/// Runs the EdgeRouter in the service group: binds on start, and on graceful shutdown stops accepting
/// and gives in-flight requests a few seconds to finish. With HTTPS, the certificates' background work
/// (ACME renewals, the certificate-file watcher) runs as long as the router does.
struct RouterService: Service {
    let router: EdgeRouter
    var tls: PreparedTLS? = nil

    func run() async throws {
        try await router.start()
        tls?.start()
        try? await gracefulShutdown()
        await tls?.shutdown()
        try await router.shutdown(gracePeriod: .seconds(5))
    }
}
