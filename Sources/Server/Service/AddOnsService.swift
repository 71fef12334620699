import AddOns
import Foundation
import Logging
import ServiceLifecycle
import SlipwayModel

/// Stops the managed add-on servers on graceful shutdown (after a crash their watchdogs stop them).
struct AddOnsService: Service {
    let addons: AddOnProvisioner

    func run() async throws {
        try? await gracefulShutdown()
        await addons.stop()
    }
}

extension SlipwayServer {
    /// The add-on provisioner of `serve`: managed servers that exist are started again, and databases and
    /// Redis users whose app is gone (a crash mid-provision, an app deleted while the service was down) are
    /// dropped. A failure here is logged, not fatal: apps without add-ons still deploy.
    static func startAddOns(_ options: ServeOptions, store: any SlipwayStore, announce: (String) -> Void,
                            logger: Logger) async throws -> AddOnProvisioner {
        let addons = try AddOnProvisioner(AddOnConfiguration(
            directory: options.dataDirectory.appendingPathComponent("addons"),
            postgres: options.addonsPostgres.map(AddOnServer.external) ?? .managed,
            redis: options.addonsRedis.map(AddOnServer.external) ?? .managed,
            listenAddress: options.addonsAddress))
        do {
            try await addons.start()
            let live = Set(try await store.apps().map(\.name.rawValue))
            let dropped = try await addons.recoverOrphans(liveApps: live)
            if !dropped.isEmpty { announce("add-ons: dropped \(dropped.count) left by apps that are gone: \(dropped.joined(separator: ", "))") }
        } catch {
            logger.warning("add-ons: recovery failed", metadata: ["error": "\(error)"])
        }
        return addons
    }
}
