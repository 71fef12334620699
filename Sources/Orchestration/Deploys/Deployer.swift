import AddOns
import Foundation
import Manifest
import Platform
import SlipwayModel

/// Deploys, rollbacks, promotions and scaling: each makes a release in the store, runs it through the
/// app's `AppRuntime` (release phase, new dynos, health, router switch, drain) and records the outcome.
/// A release whose deploy fails is recorded `failed` and the previous one keeps serving.
public struct Deployer: Sendable {
    let store: any SlipwayStore
    public let builds: BuildStore
    public let runtimes: AppRuntimes
    /// One deploy at a time per app (shared by every copy of this value).
    let locks = AppLocks()

    /// Provisions the add-ons an app's app.json declares (a database per app) before its release runs;
    /// nil: add-ons are only warned about.
    public let addons: AddOnProvisioner?

    /// Told of each staging or production release a promotion made, with the commit its build came from (where
    /// reporting to a forge plugs in, as GitHub deployments). Set before the deployer is handed out.
    public var releaseObservers: [any ReviewAppObserver] = []

    public init(store: any SlipwayStore, builds: BuildStore, runtimes: AppRuntimes, addons: AddOnProvisioner? = nil) {
        self.store = store
        self.builds = builds
        self.runtimes = runtimes
        self.addons = addons
    }

    /// Builds a local directory (the app's `slipway.build` runs once per distinct content) and deploys it.
    public func deploy(app: ResourceName, directory: URL) async throws -> ReleaseOutcome {
        _ = try await store.app(named: app)
        let manifest = ManifestLoader.load(directory: directory)
        if let problem = Self.manifestProblem(manifest) { throw OrchestrationError.invalid("directory", problem) }
        return try await locks.withLock(app.rawValue) {
            let operation = try await store.beginOperation(kind: "deploy", app: app, pipeline: nil)
            let build: Build
            do throws(BuildError) {
                build = try await builds.build(directory: directory, command: manifest.appJSON?.slipway.build,
                                               context: .app, cacheScope: app.rawValue, label: app.rawValue)
            } catch {
                _ = try await store.finishOperation(id: operation.id, state: .failed, reason: error.message)
                throw OrchestrationError.deployFailed("the build failed: \(error.message)", output: error.output)
            }
            var made = build
            made.outputTail = await builds.outputTail(of: build.id)
            let stored = try await store.createBuildIfAbsent(made).build
            return try await release(app: app, build: stored, config: .currentConfigVars,
                                     description: "Deploy \(build.id.prefix(7))", operation: operation)
        }
    }

    /// A new release with the build and config of `version` (default: the release before the current one).
    public func rollback(app: ResourceName, to version: Int?) async throws -> ReleaseOutcome {
        try await locks.withLock(app.rawValue) {
            let target = try await rollbackTarget(app: app, version: version)
            guard let buildID = target.buildID else {
                throw OrchestrationError.invalid("version", "\(target.label) has no build to roll back to (it was a config change before the first deploy)")
            }
            let build = try await store.build(id: buildID)
            let operation = try await store.beginOperation(kind: "rollback", app: app, pipeline: nil)
            return try await release(app: app, build: build, config: .restoring(target.config),
                                     description: "Rollback to \(target.label)", operation: operation)
        }
    }

    /// The source app's current build, released on each target with the target's own config: no rebuild.
    public func promote(app source: ResourceName, to requested: [ResourceName]?) async throws -> PromotionOutcome {
        let sourceApp = try await store.app(named: source)
        guard let current = try await store.currentRelease(app: source), let buildID = current.buildID else {
            throw OrchestrationError(.conflict, "\(source) has no deployed build to promote")
        }
        let targets = try await promotionTargets(from: sourceApp, requested: requested)
        let build = try await store.build(id: buildID)
        var results: [ReleaseOutcome] = []
        for target in targets {
            let result = try await locks.withLock(target.rawValue) {
                let operation = try await store.beginOperation(kind: "promote", app: target, pipeline: sourceApp.pipeline)
                return try await release(app: target, build: build, config: .currentConfigVars,
                                         description: "Promote from \(source) \(current.label)", operation: operation)
            }
            results.append(result)
            await reportPromotion(to: target, result: result, build: build)
        }
        return PromotionOutcome(source: source, sourceRelease: current.version, buildID: buildID, targets: results)
    }

    /// Tells the release observers of a promotion's release to a staging or production app of a pipeline, when its
    /// build came from a commit (a forge can only place a deployment on a commit).
    private func reportPromotion(to target: ResourceName, result: ReleaseOutcome, build: Build) async {
        guard !releaseObservers.isEmpty, case .commit(let commit) = build.source,
              let app = try? await store.app(named: target), let pipeline = app.pipeline,
              let stage = app.stage, stage == .staging || stage == .production else { return }
        let event = StagingDeployEvent(
            pipeline: pipeline, app: target, commit: commit,
            url: publicURL(host: "\(target.rawValue).\(runtimes.router.configuration.domain)") ?? "",
            succeeded: result.succeeded, reason: result.reason, environment: stage.rawValue)
        for observer in releaseObservers { await observer.stagingDeployed(event) }
    }

    /// Scales the running release to `formation` (zero-downtime); fails when the app runs nothing.
    public func scale(app: ResourceName, formation: [String: Int]) async throws -> DeployOutcome? {
        try await locks.withLock(app.rawValue) {
            guard let runtime = await runtimes.existing(app.rawValue), await runtime.current != nil else { return nil }
            let outcome = await runtime.scale(formation)
            try await recordDynos(app: app, runtime: runtime)
            return outcome
        }
    }

    /// The app's dynos as the runtime sees them.
    public func dynos(app: ResourceName) async throws -> [DynoStatus] {
        _ = try await store.app(named: app)
        guard let runtime = await runtimes.existing(app.rawValue) else { return [] }
        return await runtime.statuses()
    }

    /// The app's most recent log lines (dyno output, release phase, Slipway's own lines), oldest first.
    public func logs(app: ResourceName, lines: Int) async throws -> [LogLine] {
        _ = try await store.app(named: app)
        guard let runtime = await runtimes.existing(app.rawValue) else { return [] }
        return runtime.log.recent(lines)
    }

    /// Prometheus text: the router's request counts and latency histograms per app.
    public func metricsText() async -> String {
        await runtimes.router.prometheusText()
    }

    /// Stops the app's dynos, then runs `removal` (its add-ons and records go) before any deploy or restart of the
    /// app can begin: one that began in between (the start's restore of a review app whose pull request closed
    /// meanwhile) would run dynos for an app that no longer exists, which nothing would ever stop.
    public func remove(app: ResourceName, _ removal: @Sendable () async throws -> Void) async throws {
        try await locks.withLock(app.rawValue) {
            await runtimes.remove(app.rawValue)
            try await removal()
        }
    }

    /// After a start: runs each app's current release again (its old dynos were killed by `StartupRecovery`).
    /// Returns the apps that could not be started, with the reason. Each app is started under its lock and only
    /// if it still exists then: the pull-request flow may be destroying review apps at the same time.
    public func restoreCurrentReleases() async -> [String: String] {
        var failures: [String: String] = [:]
        guard let apps = try? await store.apps() else { return ["*": "cannot read the apps"] }
        for app in apps where app.review?.state != .destroyed {
            do {
                let failure: String? = try await locks.withLock(app.name.rawValue) {
                    do throws(StoreError) {
                        _ = try await store.app(named: app.name)
                    } catch {
                        if error.code == .notFound { return nil }
                        throw error
                    }
                    guard let current = try await store.currentRelease(app: app.name), let buildID = current.buildID else { return nil }
                    let build = try await store.build(id: buildID)
                    let spec = try await releaseSpec(app: app.name, release: current, build: build)
                    let runtime = await runtimes.runtime(for: app.name.rawValue, hosts: app.review?.urlHost.map { [$0] })
                    let outcome = await runtime.deploy(spec)
                    try await recordDynos(app: app.name, runtime: runtime)
                    if case .failed(let reason, _) = outcome { return reason }
                    return nil
                }
                if let failure { failures[app.name.rawValue] = failure }
            } catch {
                failures[app.name.rawValue] = "\(error)"
            }
        }
        return failures
    }

    /// After every dyno has been stopped (graceful shutdown): their records say so, so the next start has no
    /// process group to kill.
    public func markAllDynosStopped() async {
        guard let running = try? await store.dynos(inStates: [.starting, .up, .crashed]) else { return }
        for var dyno in running {
            dyno.state = .stopped
            _ = try? await store.updateDyno(dyno)
        }
    }

    // MARK: The one path every release takes

    func release(
        app: ResourceName,
        build: Build,
        config: ReleaseConfig,
        description: String,
        operation: TrackedOperation
    ) async throws -> ReleaseOutcome {
        do {
            let result = try await runRelease(app: app, build: build, config: config, description: description)
            _ = try await store.finishOperation(id: operation.id, state: result.succeeded ? .succeeded : .failed, reason: result.reason)
            return result
        } catch {
            // The operation never stays `running` behind a failure (a restart would mark it, but later).
            _ = try? await store.finishOperation(id: operation.id, state: .failed, reason: "\(error)")
            throw error
        }
    }

    /// Makes the pending release, deploys it and records how it went. The release is `failed` when its spec
    /// cannot be made (no Procfile in the build) or the runtime refused it; the dyno records are refreshed
    /// either way.
    private func runRelease(
        app: ResourceName,
        build: Build,
        config: ReleaseConfig,
        description: String
    ) async throws -> ReleaseOutcome {
        let pending = try await store.createRelease(app: app, buildID: build.id, config: config, description: description, state: .pending)
        return try await deployPending(app: app, pending: pending, build: build)
    }

    /// Deploys a release the store made `pending` (a config change of a deployed app): the dynos restart
    /// with the new config, zero-downtime, and the release ends `succeeded` or `failed`.
    public func deployConfigRelease(app: ResourceName, release: Release) async throws -> Release {
        guard release.state == .pending, let buildID = release.buildID else { return release }
        return try await locks.withLock(app.rawValue) {
            let operation = try await store.beginOperation(kind: "config", app: app, pipeline: nil)
            do {
                let build = try await store.build(id: buildID)
                let result = try await deployPending(app: app, pending: release, build: build)
                _ = try await store.finishOperation(id: operation.id, state: result.succeeded ? .succeeded : .failed, reason: result.reason)
                return try await store.release(app: app, version: release.version)
            } catch {
                _ = try? await store.finishOperation(id: operation.id, state: .failed, reason: "\(error)")
                throw error
            }
        }
    }

    private func deployPending(app: ResourceName, pending: Release, build: Build) async throws -> ReleaseOutcome {
        let appRecord = try await store.app(named: app)
        let runtime = await runtimes.runtime(for: app.rawValue, hosts: appRecord.review?.urlHost.map { [$0] })
        let outcome: DeployOutcome
        do {
            outcome = await runtime.deploy(try await releaseSpec(app: app, release: pending, build: build))
        } catch {
            outcome = .failed(reason: OrchestrationError.reason(of: error), output: "")
        }
        // Best effort: the deploy happened (or not) whatever the bookkeeping of dyno rows does.
        try? await recordDynos(app: app, runtime: runtime)
        switch outcome {
        case .deployed:
            // A release phase that succeeded is kept too: the dashboard shows what a release printed.
            let output = await runtime.releasePhaseOutput(version: pending.version)
            let finished = try await store.finishRelease(app: app, version: pending.version, state: .succeeded, releasePhaseOutput: output)
            return ReleaseOutcome(app: app, release: finished, succeeded: true)
        case .failed(let reason, let output):
            let finished = try await store.finishRelease(app: app, version: pending.version, state: .failed,
                                                         releasePhaseOutput: output.isEmpty ? nil : String(output.suffix(8000)))
            return ReleaseOutcome(app: app, release: finished, succeeded: false,
                                        reason: reason, output: output.isEmpty ? nil : String(output.suffix(4000)))
        }
    }

    private static func manifestProblem(_ manifest: ManifestLoadResult) -> String? {
        if !manifest.errors.isEmpty {
            return "the app's manifest is invalid: " + manifest.errors.map { "\($0)" }.joined(separator: "; ")
        }
        if manifest.procfile?.processes.isEmpty ?? true { return "the directory has no Procfile with a process to run" }
        return nil
    }
}
