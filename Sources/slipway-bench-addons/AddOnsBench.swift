// Measures what add-ons add to making an app (Sources/AddOns): the time of `AddOnProvisioner.provision` for a new
// app with `heroku-postgresql` (and with `heroku-redis`) against the same call with no add-on, each the median of
// --runs N fresh apps on managed servers (fsync on, as serve runs them). Setting up the servers (initdb, first
// start) is measured once and reported apart: serve does it once per data dir.
//   slipway-bench-addons [--runs N] [--directory DIR] [--postgres URL] [--redis URL]
import AddOns
import Foundation
import Manifest

@main
struct AddOnsBench {
    static func main() async {
        var runs = 15
        var directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bench-addons-\(UUID().uuidString.prefix(8))")
        var postgres = AddOnServer.managed, redis = AddOnServer.managed
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--runs": runs = Int(arguments.next() ?? "") ?? runs
            case "--directory": directory = URL(fileURLWithPath: arguments.next() ?? directory.path)
            case "--postgres": postgres = .external(arguments.next() ?? "")
            case "--redis": redis = .external(arguments.next() ?? "")
            default:
                FileHandle.standardError.write(Data("usage: slipway-bench-addons [--runs N] [--directory DIR] [--postgres URL] [--redis URL]\n".utf8))
                exit(2)
            }
        }
        do {
            let provisioner = try AddOnProvisioner(AddOnConfiguration(directory: directory, postgres: postgres, redis: redis))
            let setupStart = ContinuousClock.now
            _ = try await provisioner.provision(app: "bench-warmup", addons: [Addon(plan: "heroku-postgresql"), Addon(plan: "heroku-redis")])
            let setup = ContinuousClock.now - setupStart
            try await provisioner.deprovision(app: "bench-warmup")

            let none = try await median(runs) { index in try await timed(provisioner, "bench-none-\(index)", []) }
            let database = try await median(runs) { index in try await timed(provisioner, "bench-pg-\(index)", [Addon(plan: "heroku-postgresql")]) }
            let cache = try await median(runs) { index in try await timed(provisioner, "bench-redis-\(index)", [Addon(plan: "heroku-redis")]) }
            let drop = try await median(runs) { index in
                _ = try await provisioner.provision(app: "bench-drop-\(index)", addons: [Addon(plan: "heroku-postgresql")])
                let start = ContinuousClock.now
                try await provisioner.deprovision(app: "bench-drop-\(index)")
                return ContinuousClock.now - start
            }
            await provisioner.stop()
            print("add-on provisioning, median of \(runs) fresh apps (servers: postgres \(label(postgres)), redis \(label(redis)))")
            print("  server setup, once per data dir (initdb + starts): \(ms(setup))")
            print("  no add-on                 \(ms(none))")
            print("  heroku-postgresql         \(ms(database))   added: \(ms(database - none))")
            print("  heroku-redis              \(ms(cache))   added: \(ms(cache - none))")
            print("  drop a database (destroy) \(ms(drop))")
            if postgres == .managed || redis == .managed { try? FileManager.default.removeItem(at: directory) }
        } catch {
            FileHandle.standardError.write(Data("slipway-bench-addons: \(error)\n".utf8))
            exit(1)
        }
    }

    static func timed(_ provisioner: AddOnProvisioner, _ app: String, _ addons: [Addon]) async throws -> Duration {
        let start = ContinuousClock.now
        _ = try await provisioner.provision(app: app, addons: addons)
        let elapsed = ContinuousClock.now - start
        try await provisioner.deprovision(app: app)
        return elapsed
    }

    static func median(_ runs: Int, _ body: @Sendable (Int) async throws -> Duration) async throws -> Duration {
        var samples: [Duration] = []
        for index in 0..<max(runs, 1) { samples.append(try await body(index)) }
        return samples.sorted()[samples.count / 2]
    }

    static func ms(_ duration: Duration) -> String {
        String(format: "%7.1f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }

    static func label(_ server: AddOnServer) -> String {
        if case .external = server { return "external" }
        return "managed"
    }
}
