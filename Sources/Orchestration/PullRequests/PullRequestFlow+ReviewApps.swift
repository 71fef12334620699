import Foundation
import GitKit
import Manifest
import Platform
import SlipwayModel

/// Review apps: one per open pull request, deployed from its test merge commit with the config of SPEC §3,
/// destroyed (after `pr-predestroy`) when the pull request closes or goes stale.
extension PullRequestFlow {
    /// Deploys the pull request's review app from `merge` unless it runs that commit already, is being
    /// deployed from it, or (with `slipway.review.wait_for_ci`) the merge's `ci` check has not succeeded.
    func ensureReviewApp(_ record: PullRequestRecord, merge: ObjectID, pipeline: Pipeline, mirror: PipelineMirror) async throws {
        let key = PullRequestKey(pipeline: pipeline.name.rawValue, number: record.number)
        if reviewAppDeploys.isDeploying(key, merge: merge.hex) { return }
        if let existing = try await store.reviewApp(pipeline: pipeline.name, prNumber: record.number),
           let review = existing.review, review.mergeCommit == merge.hex {
            switch review.state {
            case .deployed, .destroyed: return
            case .creating, .failed:
                // A deploy of this merge that this run of the service has not tried yet was interrupted by a
                // restart (`creating`, or `failed` by startup recovery): try it once more. One that failed in
                // this run stays failed until a new push.
                if reviewAppDeploys.wasAttempted(key, merge: merge.hex) { return }
            }
        }
        let repository = try Repository.open(path: mirror.path)
        let manifest = try await Deployer.manifest(of: merge, in: repository)
        if manifest.appJSON?.effective(for: .review).slipway.review?.waitForCI == true {
            let ci = try await checks.latest(pipeline: pipeline.name, commit: merge.hex)
            guard ci?.state == .success else { return }
        }
        reviewAppDeploys.begin(key, merge: merge.hex)
        spawn {
            await self.deployReviewApp(key, record: record, merge: merge, mirror: mirror)
            await self.doneDeploying(key, merge: merge.hex)
        }
    }

    private func doneDeploying(_ key: PullRequestKey, merge: String) {
        reviewAppDeploys.end(key, merge: merge)
    }

    private func deployReviewApp(_ key: PullRequestKey, record: PullRequestRecord, merge: ObjectID, mirror: PipelineMirror) async {
        do {
            try await locks.withLock("pr:\(key.pipeline)#\(key.number)") {
                try await self.provisionReviewApp(key, merge: merge, mirror: mirror)
            }
        } catch {
            logger.warning("review app failed", metadata: ["pipeline": "\(key.pipeline)", "pr": "\(key.number)", "error": "\(error)"])
        }
    }

    /// Creates the app on first use, resolves its config, deploys the merge, runs `postdeploy` after the first
    /// successful deploy, and records the state (`deployed` or `failed`).
    private func provisionReviewApp(_ key: PullRequestKey, merge: ObjectID, mirror: PipelineMirror) async throws {
        let pipelineName = try ResourceName(key.pipeline)
        // The pull request may have closed while this waited for its turn.
        guard let record = try await store.pullRequest(pipeline: pipelineName, number: key.number), record.state == .open else { return }
        let pipeline = try await store.pipeline(named: pipelineName)
        // …or a push to a fork replaced the approved head.
        guard record.mayRun(under: pipeline.forkPullRequests) else { return }
        let host = ReviewAppNaming.host(pipeline: key.pipeline, prNumber: key.number, domain: settings.domain)
        var app: App
        let firstCreation: Bool
        if let existing = try await store.reviewApp(pipeline: pipelineName, prNumber: key.number) {
            firstCreation = existing.review?.lastDeployedAt == nil
            app = try await store.updateApp(named: existing.name) { app in
                app.review?.state = .creating
                app.review?.mergeCommit = merge.hex
                app.review?.headCommit = record.headCommit
                app.review?.branch = record.branch
                app.review?.fromFork = record.fromFork
            }
        } else {
            firstCreation = true
            let name = try ResourceName(ReviewAppNaming.appName(pipeline: key.pipeline, prNumber: key.number))
            app = try await store.createApp(App(
                name: name, pipeline: pipelineName, stage: .review,
                review: ReviewAppDetails(prNumber: key.number, branch: record.branch, headCommit: record.headCommit,
                                         mergeCommit: merge.hex, fromFork: record.fromFork, state: .creating, urlHost: host)))
        }
        await tell(.deploying, app: app)
        let log = await deployer.runtimes.runtime(for: app.name.rawValue, hosts: [host]).log
        log.append(source: "slipway", text: "deploying pull request #\(key.number) (merge \(merge.short) of head \(record.headCommit.prefix(7)))")

        let repository = try Repository.open(path: mirror.path)
        let manifest = try await Deployer.manifest(of: merge, in: repository)
        let appJSON = manifest.appJSON?.effective(for: .review)
        let resolved = ConfigResolver.resolve(appJSON, input: ConfigResolutionInput(
            context: .review,
            pipelineVars: pipeline.reviewConfigVars,
            overrides: try await store.configVars(app: app.name),
            injected: InjectedVariables.reviewApp(appName: app.name.rawValue, branch: record.branch, pullRequestNumber: key.number),
            storedSecrets: try await store.generatedSecrets(app: app.name),
            isFork: record.fromFork,
            forkReceivesPipelineVars: pipeline.forksGetReviewConfigVars))
        if let missing = resolved.missing {
            try await fail(app.name, log: log, "cannot create the review app: \(missing)")
            return
        }
        if !resolved.newSecrets.isEmpty { _ = try await store.storeGeneratedSecrets(app: app.name, resolved.newSecrets) }
        let config = Dictionary(resolved.variables.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })

        let result: ReleaseOutcome
        do {
            result = try await deployer.deploy(app: app.name, commit: merge, in: repository, config: .snapshot(config),
                                               description: "Deploy #\(key.number) (merge \(merge.short))", kind: "review-app")
        } catch {
            try await fail(app.name, log: log, "deploy failed: \(OrchestrationError.reason(of: error))")
            return
        }
        guard result.succeeded else {
            try await fail(app.name, log: log, "deploy failed: \(result.reason ?? "unknown reason")")
            return
        }
        if firstCreation, let postdeploy = appJSON?.scripts.postdeploy {
            let outcome = try await deployer.runTask(app: app.name, name: "postdeploy", command: postdeploy.command)
            if !outcome.succeeded {
                try await fail(app.name, log: log, "postdeploy: \(outcome.reason ?? "failed")")
                return
            }
        }
        let deployed = try await store.updateApp(named: app.name) { app in
            app.review?.state = .deployed
            app.review?.lastDeployedAt = Date()
        }
        log.append(source: "slipway", text: "review app deployed: \(settings.reviewAppURL(host: host))")
        await tell(.deployed(url: settings.reviewAppURL(host: host)), app: deployed)
    }

    private func fail(_ app: ResourceName, log: AppLog, _ reason: String) async throws {
        log.append(source: "slipway", text: reason)
        logger.warning("review app failed", metadata: ["app": "\(app)", "reason": "\(reason)"])
        let failed = try await store.updateApp(named: app) { $0.review?.state = .failed }
        await tell(.failed(reason: reason), app: failed)
    }

    /// Tells the review-app observers (GitHub deployments) what happened to `app`.
    private func tell(_ kind: ReviewAppEvent.Kind, app: App) async {
        guard let review = app.review, let pipeline = app.pipeline else { return }
        let event = ReviewAppEvent(kind, pipeline: pipeline, prNumber: review.prNumber, app: app.name, headCommit: review.headCommit)
        for observer in reviewAppObservers { await observer.reviewApp(event) }
    }

    /// Runs `pr-predestroy` (when the app was deployed), stops its dynos, removes it from the router and
    /// deletes it with its config, releases and logs. Safe to call again: an absent app is nothing to do.
    func destroyReviewApp(_ key: PullRequestKey) async {
        do {
            try await locks.withLock("pr:\(key.pipeline)#\(key.number)") {
                let pipeline = try ResourceName(key.pipeline)
                guard let app = try await self.store.reviewApp(pipeline: pipeline, prNumber: key.number) else { return }
                if let current = try await self.store.currentRelease(app: app.name), let buildID = current.buildID {
                    let build = try await self.store.build(id: buildID)
                    let manifest = ManifestLoader.load(directory: URL(fileURLWithPath: build.directory))
                    if let predestroy = manifest.appJSON?.effective(for: .review).scripts.prPredestroy {
                        let outcome = try await self.deployer.runTask(app: app.name, name: "pr-predestroy", command: predestroy.command)
                        if !outcome.succeeded {
                            self.logger.warning("pr-predestroy failed; destroying anyway",
                                                metadata: ["app": "\(app.name)", "reason": "\(outcome.reason ?? "")"])
                        }
                    }
                }
                // Under the app's deploy lock: the start's restore of its release cannot slip in between.
                let deployer = self.deployer
                let store = self.store
                try await deployer.remove(app: app.name) {
                    // Its add-ons go with it, data included.
                    if let addons = deployer.addons { _ = try await addons.deprovision(app: app.name.rawValue) }
                    try await store.deleteApp(named: app.name)
                }
                try? FileManager.default.removeItem(at: self.deployer.runtimes.directory(for: app.name.rawValue))
                self.logger.info("review app destroyed", metadata: ["app": "\(app.name)"])
                await self.tell(.destroyed, app: app)
            }
        } catch {
            logger.warning("cannot destroy review app", metadata: ["pipeline": "\(key.pipeline)", "pr": "\(key.number)", "error": "\(error)"])
        }
    }

    /// Destroys review apps with no deploy for `slipway.review.stale_days` (or the service default).
    func reapStaleReviewApps(pipeline: Pipeline) async throws {
        let now = Date()
        for app in try await store.apps(inPipeline: pipeline.name) {
            guard let review = app.review, review.state != .destroyed else { continue }
            var staleDays = settings.defaultStaleDays
            if let current = try await store.currentRelease(app: app.name), let buildID = current.buildID,
               let build = try? await store.build(id: buildID) {
                let manifest = ManifestLoader.load(directory: URL(fileURLWithPath: build.directory))
                staleDays = manifest.appJSON?.effective(for: .review).slipway.review?.staleDays ?? staleDays
            }
            let last = review.lastDeployedAt ?? app.createdAt
            guard now.timeIntervalSince(last) > Double(staleDays) * 86_400 else { continue }
            logger.info("reaping stale review app", metadata: ["app": "\(app.name)", "stale_days": "\(staleDays)"])
            _ = try await store.updatePullRequest(pipeline: pipeline.name, number: review.prNumber) { $0?.state = .stale }
            retire(PullRequestKey(pipeline: pipeline.name.rawValue, number: review.prNumber))
        }
    }
}
