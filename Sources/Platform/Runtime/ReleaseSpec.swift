import Manifest
import Sandbox
import SlipwayModel

/// Everything a deploy needs, fixed when the release is made: the build, the processes, how many of
/// each, the complete environment and the health checks.
public struct ReleaseSpec: Sendable, Equatable {
    /// `v7` is version 7.
    public var version: Int
    public var build: Build
    /// The Procfile's process types; `release` is the release phase, never a dyno.
    public var processes: [ProcessDeclaration]
    /// Dynos per process type; a type without an entry gets Heroku's default (1 for `web`, 0 otherwise).
    public var formation: [String: Int]
    /// Config vars and injected variables (without `PORT` and `DYNO`, which each dyno gets).
    public var environment: [String: String]
    /// app.json `healthchecks.web`.
    public var webHealthChecks: [HealthCheck]
    /// Formation `size` by process type (SPEC §7): each dyno's memory, process and CPU limits.
    public var sizes: [String: String]
    /// app.json `slipway.sandbox.network`.
    public var network: SandboxNetwork
    /// The values of the release's config vars and generated secrets: masked in everything its processes print
    /// that Slipway keeps (the app's log, release-phase and one-off output).
    public var secretValues: [String]

    public init(version: Int, build: Build, processes: [ProcessDeclaration], formation: [String: Int] = [:],
                environment: [String: String], webHealthChecks: [HealthCheck] = [], sizes: [String: String] = [:],
                network: SandboxNetwork = .shared, secretValues: [String] = []) {
        self.version = version
        self.build = build
        self.processes = processes
        self.formation = formation
        self.environment = environment
        self.webHealthChecks = webHealthChecks
        self.sizes = sizes
        self.network = network
        self.secretValues = secretValues
    }

    public var releaseCommand: String? { processes.first { $0.type == "release" }?.command }

    /// The dyno process types with their quantities, web first.
    public var dynoCounts: [(type: String, quantity: Int)] {
        processes.filter { $0.type != "release" }
            .map { ($0.type, formation[$0.type] ?? ($0.type == "web" ? 1 : 0)) }
            .sorted { ($0.type == "web" ? 0 : 1, $0.type) < ($1.type == "web" ? 0 : 1, $1.type) }
    }
}
