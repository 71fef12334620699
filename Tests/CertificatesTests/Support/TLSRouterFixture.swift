import EdgeRouter
import RouterTestSupport
import NIOCore
import NIOPosix

/// A router with an HTTPS listener on free loopback ports for one test: `body` gets the router, its plain HTTP
/// port and its HTTPS port. `httpPort` fixes the plain port (pebble must know it before the router starts).
func withTLSRouter(
    certificates: any TLSCertificateSource,
    challenges: (any ACMEChallengeResponder)? = nil,
    redirectHTTP: Bool = false,
    httpPort: Int = 0,
    _ body: (EdgeRouter, Int, Int) async throws -> Void
) async throws {
    let configuration = RouterConfiguration(
        port: httpPort, domain: "test.local",
        tls: RouterTLS(port: 0, certificates: certificates, redirectHTTP: redirectHTTP, challenges: challenges))
    let router = EdgeRouter(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    try await router.start()
    do {
        try await body(router, router.port!, router.httpsPort!)
    } catch {
        try? await router.shutdown(gracePeriod: .zero)
        throw error
    }
    try await router.shutdown(gracePeriod: .seconds(1))
}

/// Starts named test backends, runs `body`, stops them.
func withBackends(
    _ names: String...,
    body: ([TestBackend]) async throws -> Void
) async throws {
    var backends: [TestBackend] = []
    for name in names { backends.append(try await TestBackend.start(name: name)) }
    do {
        try await body(backends)
    } catch {
        for backend in backends { await backend.stop() }
        throw error
    }
    for backend in backends { await backend.stop() }
}

/// A free loopback TCP port (bound, read, closed).
func freePort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress!.port!
    try await channel.close()
    return port
}
