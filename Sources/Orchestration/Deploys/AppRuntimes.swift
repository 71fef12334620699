import EdgeRouter
import Foundation
import Platform
import Sandbox

/// The running side of every app in this process: one `AppRuntime` per app, made on first use, all
/// sharing the router and the port allocator. `stopAll` is what graceful shutdown calls.
public actor AppRuntimes {
    public nonisolated let router: EdgeRouter
    private let dataDirectory: URL
    private let ports = PortAllocator()
    private let settings: RuntimeSettings
    /// The one launcher every dyno and one-off task goes through.
    public nonisolated let launcher: SandboxLauncher
    private var runtimes: [String: AppRuntime] = [:]

    public init(router: EdgeRouter, dataDirectory: URL, settings: RuntimeSettings = RuntimeSettings(),
                launcher: SandboxLauncher = .unsandboxed) {
        self.router = router
        self.dataDirectory = dataDirectory
        self.settings = settings
        self.launcher = launcher
    }

    /// The app's runtime; `hosts` are used when it is made (`<app>.<domain>` by default).
    func runtime(for app: String, hosts: [String]? = nil) -> AppRuntime {
        if let existing = runtimes[app] { return existing }
        let made = AppRuntime(
            app: app,
            hosts: hosts ?? ["\(app).\(router.configuration.domain)"],
            directory: directory(for: app),
            router: router, ports: ports, settings: settings, isolation: isolation(for: app))
        runtimes[app] = made
        return made
    }

    /// The app's own uid and sandbox: the data dir hidden, each run's layers under `<app dir>/dynos`.
    nonisolated func isolation(for app: String) -> AppIsolation {
        AppIsolation(launcher: launcher, identity: launcher.setup?.identities.app(app), hidden: [dataDirectory.path],
                     scratchRoot: directory(for: app).appendingPathComponent("dynos").path)
    }

    /// `<data-dir>/apps/<app>`: the app's runtime directory (logs, one-off task output).
    nonisolated func directory(for app: String) -> URL {
        dataDirectory.appendingPathComponent("apps").appendingPathComponent(app)
    }

    /// The app's runtime if it has one.
    public func existing(_ app: String) -> AppRuntime? { runtimes[app] }

    /// Stops the app's dynos and forgets its runtime (the app is being deleted).
    func remove(_ app: String) async {
        guard let runtime = runtimes.removeValue(forKey: app) else { return }
        await runtime.stop()
    }

    /// Stops every app's dynos (SIGTERM, grace, SIGKILL) concurrently.
    public func stopAll() async {
        let all = Array(runtimes.values)
        runtimes = [:]
        await withTaskGroup(of: Void.self) { group in
            for runtime in all { group.addTask { await runtime.stop() } }
        }
    }
}
