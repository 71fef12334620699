import Foundation
import AddOns
import Manifest
import Platform
import Sandbox
import SlipwayModel

/// Turning a stored release into what the runtime runs, and recording the dynos it runs.
extension Deployer {
    /// What the runtime needs: the build's Procfile and health checks, the formation, the release's config
    /// plus the variables of SPEC §3.
    func releaseSpec(app: ResourceName, release: Release, build: Build) async throws -> ReleaseSpec {
        let manifest = ManifestLoader.load(directory: URL(fileURLWithPath: build.directory))
        let metadata = BuildMetadata.read(buildDirectory: build.directory)
        // The builders' default process types (`web: npm start`) where the Procfile has none of that type.
        var processes = manifest.procfile?.processes ?? []
        for (type, command) in metadata.defaultProcessTypes.sorted(by: { $0.key < $1.key })
        where !processes.contains(where: { $0.type == type }) {
            processes.append(ProcessDeclaration(type: type, command: command, line: 0))
        }
        guard !processes.isEmpty else {
            throw OrchestrationError.invalid(nil, "the build has no Procfile with a process to run")
        }
        var formation: [String: Int] = [:]
        var sizes: [String: String] = [:]
        for entry in manifest.appJSON?.formation.entries ?? [] {
            if let quantity = entry.quantity { formation[entry.processType] = quantity }
            if let size = entry.size { sizes[entry.processType] = size }
        }
        for entry in try await store.formation(app: app) { formation[entry.processType] = entry.quantity }
        let appRecord = try await store.app(named: app)
        var config = try await inheritedConfig(appRecord, manifest: manifest, release: release)
        // The add-ons' URLs (provenance `addon`) over the release's config, made before the release phase runs so
        // `release: ./manage.py migrate` finds its database on the first deploy.
        config.merge(try await provisionAddOns(appRecord, manifest: manifest)) { $1 }
        // Every config var, generated secret and add-on URL; the variables added below are Slipway's, not secrets.
        let secretValues = Array(config.values)
        // The build's variables (its venv or node_modules/.bin first on PATH) under the config vars, at the path
        // the dynos see the slug at (`/app` in the sandbox).
        let sandboxed = runtimes.launcher.isSandboxed
        var environment = metadata.environment(appRoot: sandboxed ? SandboxPolicy.appPath : build.directory,
                                               basePath: sandboxed ? SandboxEnvironment.defaultPath : Self.dynoBasePath)
            .merging(config) { $1 }
        environment["SLIPWAY_APP"] = app.rawValue
        environment["SLIPWAY_RELEASE"] = release.label
        if case .commit(let id) = build.source { environment["SOURCE_VERSION"] = id }
        if let review = appRecord.review {
            environment["HEROKU_APP_NAME"] = app.rawValue
            environment["HEROKU_BRANCH"] = review.branch
            environment["HEROKU_PR_NUMBER"] = String(review.prNumber)
        }
        return ReleaseSpec(version: release.version, build: build, processes: processes,
                           formation: formation, environment: environment,
                           webHealthChecks: manifest.appJSON?.healthchecks["web"] ?? [], sizes: sizes,
                           network: SandboxNetwork(rawValue: manifest.appJSON?.slipway.sandboxNetwork ?? "shared") ?? .shared,
                           secretValues: secretValues)
    }

    /// Provisions the app's declared add-ons (idempotent: the same URLs on every deploy, restart or rollback)
    /// and returns their config vars; an add-on Slipway does not run is a warning in the app's log. A failure
    /// to provision fails the deploy, and the previous release keeps serving.
    func provisionAddOns(_ app: App, manifest: ManifestLoadResult) async throws -> [String: String] {
        let declared = manifest.appJSON?.effective(for: app.review != nil ? .review : .app).addons ?? []
        guard !declared.isEmpty else { return [:] }
        let log = await runtimes.runtime(for: app.name.rawValue, hosts: app.review?.urlHost.map { [$0] }).log
        guard let addons else {
            for addon in declared { log.append(source: "slipway", text: addon.notRunWarning) }
            return [:]
        }
        do {
            let provisioned = try await addons.provision(app: app.name.rawValue, addons: declared)
            for warning in provisioned.warnings { log.append(source: "slipway", text: warning) }
            return provisioned.configVars
        } catch {
            throw OrchestrationError.deployFailed("cannot provision the app's add-ons: \(error.message)", output: "")
        }
    }

    /// `PATH` behind a build's own directories: Slipway's, as the build steps had it (dynos of a build without
    /// builders get none and use the shell's default search path).
    static var dynoBasePath: String { ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin" }

    /// The release's config; for a review app, laid over what it inherits (SPEC §3): app.json `env` for the
    /// review context with the app's generated secrets, then the pipeline's review config vars (not for forks
    /// unless the pipeline opts in), then the release's own vars. A config change on a review app, a rollback
    /// or a restart therefore keeps the inherited values.
    func inheritedConfig(_ app: App, manifest: ManifestLoadResult, release: Release) async throws -> [String: String] {
        guard app.review != nil, let pipelineName = app.pipeline else { return release.config }
        let pipeline = try await store.pipeline(named: pipelineName)
        let resolved = ConfigResolver.resolve(manifest.appJSON, input: ConfigResolutionInput(
            context: .review, pipelineVars: pipeline.reviewConfigVars, overrides: release.config,
            storedSecrets: try await store.generatedSecrets(app: app.name), isFork: app.review?.fromFork ?? false,
            forkReceivesPipelineVars: pipeline.forksGetReviewConfigVars))
        // Secrets are generated when the app is created; none is made here.
        return Dictionary(resolved.variables.filter { $0.source != .generated || resolved.newSecrets[$0.name] == nil }
            .map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Replaces the app's dyno records with what its runtime runs now, with their process groups, so the
    /// next `serve` after a crash can kill them. A dyno restarted after a crash gets a new group that is
    /// recorded only at the app's next deploy or scale.
    func recordDynos(app: ResourceName, runtime: AppRuntime) async throws {
        for old in try await store.dynos(app: app) { try await store.deleteDyno(id: old.id) }
        let groups = DynoProcessFinder.processGroups()
        for status in await runtime.statuses() {
                        let process = groups[DynoProcessFinder.Key(app: app.rawValue, dyno: status.name, release: "v\(status.release)")]
            _ = try await store.recordDyno(Dyno(
                app: app, releaseVersion: status.release, name: status.name,
                processType: String(status.name.prefix { $0 != "." }),
                pid: process?.pid, pgid: process?.pgid, port: status.port, state: status.state))
        }
    }
}
