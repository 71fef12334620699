import AddOns
import EdgeRouter
import Foundation
import Orchestration
import Platform
import Sandbox
import Server

/// A started router on a free loopback port, the app runtimes over it and a deployer, for tests that run
/// real dynos. `shutdown()` stops every dyno and the router.
struct TestRuntime {
    let router: EdgeRouter
    let routerPort: Int
    let runtimes: AppRuntimes
    let deployer: Deployer

    static func start(_ service: TestService, launcher: SandboxLauncher = .unsandboxed,
                      addons: AddOnProvisioner? = nil) async throws -> TestRuntime {
        let router = EdgeRouter(configuration: RouterConfiguration(host: "127.0.0.1", port: 0, domain: "localhost", eventLoopThreads: 1))
        try await router.start()
        let runtimes = AppRuntimes(router: router, dataDirectory: service.directory.url,
                                   settings: RuntimeSettings(bootTimeout: .seconds(20), drainTimeout: .milliseconds(200), stopGrace: .seconds(2)),
                                   launcher: launcher)
        let deployer = Deployer(store: service.store, builds: BuildStore(root: service.directory.url.appendingPathComponent("builds"),
                                                                         launcher: launcher, hidden: [service.directory.url.path]),
                                runtimes: runtimes, addons: addons)
        return TestRuntime(router: router, routerPort: router.port ?? 0, runtimes: runtimes, deployer: deployer)
    }

    func shutdown() async throws {
        await runtimes.stopAll()
        try await router.shutdown(gracePeriod: .seconds(1))
    }
}
