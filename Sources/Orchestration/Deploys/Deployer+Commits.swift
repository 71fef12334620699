import Sandbox
import Foundation
import GitKit
import Manifest
import Platform
import SlipwayModel

/// Deploying commits of a repository: `deploy --repo --rev`, review apps, staging after the gate.
extension Deployer {
    /// The build of `commit`: its tree exported through libgit2 and its app.json's `slipway.build` run once.
    /// The same tree always gives the same build, so a review app's build is reused by staging after the
    /// gate merges it.
    /// `cacheScope` is the dependency cache's namespace: the pipeline (or the app outside one).
    /// `label` says whom the build is for while it runs (the app; the dashboard shows its output there).
    func build(commit: ObjectID, in repository: Repository, cacheScope: String, label: String = "") async throws -> Build {
        let manifest = try await Self.manifest(of: commit, in: repository)
        if let problem = Self.commitManifestProblem(manifest, commit: commit) { throw OrchestrationError.invalid("rev", problem) }
        let build: Build
        do throws(BuildError) {
            build = try await builds.build(commit: commit, in: repository, command: manifest.appJSON?.slipway.build,
                                           context: .app, cacheScope: cacheScope, label: label)
        } catch {
            throw OrchestrationError.deployFailed("the build of \(commit.short) failed: \(error.message)", output: error.output)
        }
        var made = build
        made.outputTail = await builds.outputTail(of: build.id)
        return try await store.createBuildIfAbsent(made).build
    }

    /// Builds `commit` and releases it on `app` with `config` (the app's config vars unless given).
    public func deploy(
        app: ResourceName,
        commit: ObjectID,
        in repository: Repository,
        config: ReleaseConfig = .currentConfigVars,
        description: String? = nil,
        kind: String = "deploy"
    ) async throws -> ReleaseOutcome {
        let appRecord = try await store.app(named: app)
        return try await locks.withLock(app.rawValue) {
            let operation = try await store.beginOperation(kind: kind, app: app, pipeline: appRecord.pipeline)
            let build: Build
            do {
                build = try await self.build(commit: commit, in: repository,
                                                 cacheScope: appRecord.pipeline?.rawValue ?? app.rawValue,
                                                 label: app.rawValue)
            } catch {
                _ = try? await store.finishOperation(id: operation.id, state: .failed, reason: OrchestrationError.reason(of: error))
                throw error
            }
            return try await release(app: app, build: build, config: config,
                                     description: description ?? "Deploy \(commit.short)", operation: operation)
        }
    }

    /// Runs `command` once as a one-off task of the app's current release (postdeploy, pr-predestroy), with
    /// the release's environment in its build directory; its output goes to the app's log.
    func runTask(app: ResourceName, name: String, command: String, timeout: Duration = .seconds(300)) async throws -> OneOffTask.Outcome {
        guard let current = try await store.currentRelease(app: app), let buildID = current.buildID else {
            return OneOffTask.Outcome(succeeded: false, reason: "\(app) has no deployed release to run \(name) in", output: "")
        }
        let build = try await store.build(id: buildID)
        let spec = try await releaseSpec(app: app, release: current, build: build)
        let runtime = await runtimes.runtime(for: app.rawValue)
        runtime.log.addSecrets(spec.secretValues)
        let logs = runtimes.directory(for: app.rawValue).appendingPathComponent("logs")
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let task = OneOffTask(name: name, command: command, directory: build.directory, environment: spec.environment, timeout: timeout,
                              isolation: runtime.isolation, network: spec.network, limits: ResourceLimits.dynoSize(spec.sizes[name]))
        return await task.run(outputPath: logs.appendingPathComponent("\(name)-\(current.label).log").path, log: runtime.log)
    }

    /// app.json and Procfile as they are in `commit`, parsed.
    static func manifest(of commit: ObjectID, in repository: Repository) async throws -> ManifestLoadResult {
        do {
            let appJSON = try await repository.readFile("app.json", at: commit)
            let procfile = try await repository.readFile("Procfile", at: commit)
            return ManifestLoader.parse(appJSON: appJSON.map { Array($0) }, procfile: procfile.map { Array($0) })
        } catch {
            throw OrchestrationError.invalid("rev", "cannot read \(commit.short): \(error.message)")
        }
    }

    private static func commitManifestProblem(_ manifest: ManifestLoadResult, commit: ObjectID) -> String? {
        if !manifest.errors.isEmpty {
            return "the manifest of \(commit.short) is invalid: " + manifest.errors.map { "\($0)" }.joined(separator: "; ")
        }
        if manifest.procfile?.processes.isEmpty ?? true { return "\(commit.short) has no Procfile with a process to run" }
        return nil
    }
}
