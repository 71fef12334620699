import EdgeRouter
import Foundation
import Processes
import Sandbox
import SlipwayModel

/// The result of a deploy, scale or rollback.
public enum DeployOutcome: Sendable, Equatable {
    case deployed(version: Int)
    /// Nothing changed: the previous release keeps serving. `output` is the tail of what failed.
    case failed(reason: String, output: String)

    public var succeeded: Bool {
        if case .deployed = self { return true }
        return false
    }
}

/// A dyno as status output shows it.
public struct DynoStatus: Sendable, Equatable, Codable {
    public var name: String
    public var release: Int
    public var state: DynoState
    public var port: Int
    public var restarts: Int
}

/// The running side of one app: its current release and dynos, and zero-downtime deploys.
///
/// A deploy runs the release phase, starts the new web dynos, waits until every one is healthy, switches
/// the router to them in one step, lets the old ones finish their in-flight requests, and only then stops
/// them; other process types are started new, then the old ones stopped. If the release phase fails or a
/// new dyno crashes or never becomes healthy, the new dynos are stopped and the old release keeps serving.
public actor AppRuntime {
    public nonisolated let app: String
    /// Host names the router sends to this app (`<app>.<domain>`, `pr-<N>.<pipeline>.<domain>`).
    public nonisolated let hosts: [String]
    private let directory: URL
    private let router: EdgeRouter
    private let ports: PortAllocator
    private let settings: RuntimeSettings
    /// How the app's dynos and one-off tasks are started (its uid, its sandbox).
    public nonisolated let isolation: AppIsolation

    public private(set) var current: ReleaseSpec?
    private var dynos: [DynoSupervisor] = []
    /// Every dyno's output and Slipway's own lines for this app, stamped with time and source.
    public nonisolated let log: AppLog

    public init(app: String, hosts: [String], directory: URL, router: EdgeRouter, ports: PortAllocator,
                settings: RuntimeSettings = RuntimeSettings(), isolation: AppIsolation = .unsandboxed) {
        self.app = app
        self.isolation = isolation
        self.hosts = hosts
        self.directory = directory
        self.router = router
        self.ports = ports
        self.settings = settings
        let logs = directory.appendingPathComponent("logs")
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        self.log = AppLog(path: logs.appendingPathComponent("app.log").path)
    }

    /// Deploys `release`; on failure nothing changes and the reason says what went wrong.
    public func deploy(_ release: ReleaseSpec) async -> DeployOutcome {
        log.addSecrets(release.secretValues)
        if let command = release.releaseCommand {
            let phase = await runReleasePhase(command, release: release)
            if case .failed = phase { return phase }
        }
        let started: StartedDynos
        switch await startDynos(of: release) {
        case .success(let dynos): started = dynos
        case .failure(let failure): return .failed(reason: failure.reason, output: failure.output)
        }
        let newWeb = started.dynos.filter { $0.spec.processType == "web" }
        let oldDynos = dynos
        let oldWeb = oldDynos.filter { $0.spec.processType == "web" }

        // The switch: from here every new request goes to the new release.
        if !newWeb.isEmpty || !oldWeb.isEmpty {
            await router.setBackends(app: app, newWeb.map { Backend(port: $0.spec.port) }, hosts: hosts)
            if let health = started.health { log.append(source: "slipway", text: health.switchedLine(release: release.version)) }
        }
        dynos = started.dynos
        current = release
        if !oldWeb.isEmpty {
            _ = await router.drained(backends: oldWeb.map { Backend(port: $0.spec.port) }, timeout: settings.drainTimeout)
        }
        await stopAll(oldDynos)
        return .deployed(version: release.version)
    }

    /// Changes the formation of the current release (a restart of the app with new quantities, zero-downtime).
    public func scale(_ formation: [String: Int]) async -> DeployOutcome {
        guard var release = current else {
            return .failed(reason: "\(app) has no release to scale", output: "")
        }
        for (type, quantity) in formation { release.formation[type] = quantity }
        // Scaling reuses the release: no release phase, same version.
        return await deploy(ReleaseSpec(version: release.version, build: release.build,
                                        processes: release.processes.filter { $0.type != "release" },
                                        formation: release.formation, environment: release.environment,
                                        webHealthChecks: release.webHealthChecks, secretValues: release.secretValues))
    }

    /// Stops every dyno and removes the app from the router.
    public func stop() async {
        await router.removeApp(app)
        await stopAll(dynos)
        dynos = []
    }

    public func statuses() async -> [DynoStatus] {
        var result: [DynoStatus] = []
        for dyno in dynos {
            result.append(DynoStatus(name: dyno.spec.name, release: dyno.spec.release,
                                     state: await dyno.state, port: dyno.spec.port, restarts: await dyno.restarts))
        }
        return result
    }

    // MARK: Steps

    private struct StartFailure: Error {
        var reason: String
        var output: String
    }

    private func runReleasePhase(_ command: String, release: ReleaseSpec) async -> DeployOutcome {
        let outputFile = logDirectory.appendingPathComponent("release-v\(release.version).log").path
        let task = OneOffTask(name: "release", command: command, directory: release.build.directory,
                              environment: release.environment, timeout: settings.releasePhaseTimeout,
                              isolation: isolation, network: release.network,
                              limits: ResourceLimits.dynoSize(release.sizes["release"]))
        let outcome = await task.run(outputPath: outputFile, log: log)
        guard outcome.succeeded else {
            return .failed(reason: "release phase of v\(release.version): \(outcome.reason ?? "failed"); v\(current?.version ?? 0) keeps serving",
                           output: outcome.output)
        }
        return .deployed(version: release.version)
    }

    /// The dynos a deploy started, and when their web dynos passed their health checks (nil without web dynos).
    private struct StartedDynos {
        var dynos: [DynoSupervisor]
        var health: SwitchTiming?
    }

    /// Starts every dyno of `release` and waits for the web dynos to be healthy; on any failure stops them all.
    private func startDynos(of release: ReleaseSpec) async -> Result<StartedDynos, StartFailure> {
        var started: [DynoSupervisor] = []
        for (type, quantity) in release.dynoCounts where quantity > 0 {
            guard let command = release.processes.first(where: { $0.type == type })?.command else { continue }
            for index in 1...quantity {
                guard let port = ports.next() else {
                    await stopAll(started)
                    return .failure(StartFailure(reason: "no free port for \(type).\(index)", output: ""))
                }
                let name = "\(type).\(index)"
                var environment = release.environment
                environment["PORT"] = String(port)
                environment["DYNO"] = name
                let spec = DynoSpec(name: name, processType: type, release: release.version, command: command, environment: environment,
                                    workingDirectory: release.build.directory, port: port,
                                    logPath: logDirectory.appendingPathComponent("v\(release.version)-\(name).log").path,
                                    stopGrace: settings.stopGrace, isolation: isolation,
                                    limits: ResourceLimits.dynoSize(release.sizes[type]), network: release.network)
                let dyno = DynoSupervisor(spec: spec, policy: settings.restartPolicy, log: log)
                await dyno.start()
                started.append(dyno)
            }
        }
        let gate = HealthGate(checks: release.webHealthChecks, bootTimeout: settings.bootTimeout)
        // Each verdict carries the moment it was reached: the deploy's "healthy" is the last web dyno passing.
        let verdicts = await withTaskGroup(of: (DynoSupervisor, HealthGate.Verdict, ContinuousClock.Instant).self) { group in
            for dyno in started where dyno.spec.processType == "web" {
                group.addTask {
                    let verdict = await gate.wait(port: dyno.spec.port) { await dyno.isRunning }
                    return (dyno, verdict, ContinuousClock.now)
                }
            }
            var verdicts: [(DynoSupervisor, HealthGate.Verdict, ContinuousClock.Instant)] = []
            for await verdict in group { verdicts.append(verdict) }
            return verdicts
        }
        for (dyno, verdict, _) in verdicts {
            if case .unhealthy(let reason) = verdict {
                await stopAll(started)
                return .failure(StartFailure(
                    reason: "\(dyno.spec.name) of v\(release.version) never became healthy: \(reason); v\(current?.version ?? 0) keeps serving",
                    output: log.masker.apply(OutputTail.read(dyno.spec.logPath, lines: 20))))
            }
            await dyno.markUp()
        }
        for dyno in started where dyno.spec.processType != "web" { await dyno.markUp() }
        let passed = verdicts.map { $0.2 }
        let health = passed.min().flatMap { first in
            passed.max().map { SwitchTiming(dynos: verdicts.map { $0.0.spec.name }.sorted(), firstHealthy: first, lastHealthy: $0) }
        }
        return .success(StartedDynos(dynos: started, health: health))
    }

    private func stopAll(_ dynos: [DynoSupervisor]) async {
        await withTaskGroup(of: Void.self) { group in
            for dyno in dynos { group.addTask { await dyno.stop() } }
        }
    }

    /// What release `version`'s release phase printed (its last 60 lines), or nil when it had none here.
    public func releasePhaseOutput(version: Int) -> String? {
        let output = log.masker.apply(OutputTail.read(logDirectory.appendingPathComponent("release-v\(version).log").path, lines: 60))
        return output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : output
    }

    private var logDirectory: URL {
        let url = directory.appendingPathComponent("logs")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
