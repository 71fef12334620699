import EdgeRouter
import RouterTestSupport
import NIOCore
import NIOPosix

/// Starts a router on a free loopback port for one test and shuts it down afterwards.
func withRouter(
    _ configure: (inout RouterConfiguration) -> Void = { _ in },
    ownThreads: Int? = nil,
    _ body: (EdgeRouter, Int) async throws -> Void
) async throws {
    var configuration = RouterConfiguration(port: 0, domain: "test.local")
    configure(&configuration)
    let router: EdgeRouter
    if let ownThreads {
        configuration.eventLoopThreads = ownThreads
        router = EdgeRouter(configuration: configuration)
    } else {
        router = EdgeRouter(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }
    try await router.start()
    do {
        try await body(router, router.port!)
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
