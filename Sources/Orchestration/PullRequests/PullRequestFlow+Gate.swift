import Foundation
import GitKit
import Platform
import SlipwayModel

/// What `slipway pr merge` answers.
public struct GateOutcome: Sendable, Codable, Equatable {
    public var pipeline: String
    public var number: Int
    public var merged: Bool
    /// Why the gate refused, or what it did.
    public var reason: String
    /// Why the gate refused, typed; setting it sets `reason`.
    public var refusal: GateRefusal? {
        didSet { if let refusal { reason = refusal.reason } }
    }
    public var mergeCommit: String?
    /// The target's tip before the merge (the expected value of the compare-and-swap).
    public var previousTarget: String?
    /// Deploys of the pipeline's staging apps from the new target.
    public var deploys: [GateDeploy]

    public init(pipeline: String, number: Int, merged: Bool, reason: String, mergeCommit: String?, previousTarget: String?,
                deploys: [GateDeploy]) {
        self.pipeline = pipeline
        self.number = number
        self.merged = merged
        self.reason = reason
        self.mergeCommit = mergeCommit
        self.previousTarget = previousTarget
        self.deploys = deploys
    }

    enum CodingKeys: String, CodingKey {
        case pipeline, number, merged, reason, deploys
        case mergeCommit = "merge_commit"
        case previousTarget = "previous_target"
    }
}

/// One staging app deployed after a merge.
public struct GateDeploy: Sendable, Codable, Equatable {
    public var app: String
    public var succeeded: Bool
    /// The release made, when one was.
    public var release: Int?
    public var reason: String?
}

/// The merge gate: the target moves, by compare-and-swap, only to a test merge commit whose required checks
/// succeeded and that was made against the target's current tip.
extension PullRequestFlow {
    public func merge(pipeline name: ResourceName, number: Int) async throws -> GateOutcome {
        let pipeline = try await store.pipeline(named: name)
        let mirror = mirror(for: pipeline)
        let outcome: GateOutcome = try await locks.withLock("pipeline:\(name)") {
            try await self.decideAndMerge(pipeline: pipeline, mirror: mirror, number: number)
        }
        _ = try await store.recordGateDecision(pipeline: name, prNumber: number, mergeCommit: outcome.mergeCommit,
                                               verdict: outcome.merged ? .merged : .refused, reason: outcome.reason)
        // Whatever happened, the pipeline's other pull requests now test against the current target.
        requestReconcile(name)
        guard outcome.merged, let mergeHex = outcome.mergeCommit, let merge = ObjectID(hex: mergeHex) else { return outcome }
        retire(PullRequestKey(pipeline: name.rawValue, number: number))
        var result = outcome
        result.deploys = await deployStaging(pipeline: pipeline, commit: merge, mirror: mirror, number: number)
        return result
    }

    private func decideAndMerge(pipeline: Pipeline, mirror: PipelineMirror, number: Int) async throws -> GateOutcome {
        var outcome = GateOutcome(pipeline: pipeline.name.rawValue, number: number, merged: false, reason: "",
                                  mergeCommit: nil, previousTarget: nil, deploys: [])
        let (repository, scan) = try await refreshAndScan(mirror, pipeline: pipeline.name)
        guard let status = scan.pullRequests.first(where: { $0.number == number }) else {
            throw OrchestrationError(.notFound, "pipeline \(pipeline.name) has no pull request #\(number) (no refs/pull/\(number)/head)")
        }
        outcome.previousTarget = status.target.hex
        outcome.mergeCommit = status.mergeCommit?.hex
        if let record = try await store.pullRequest(pipeline: pipeline.name, number: number), record.state == .closed || record.state == .merged {
            outcome.refusal = .notOpen(number: number, state: record.state)
            return outcome
        }
        let latest = try await store.latestChecks(pipeline: pipeline.name, commit: status.mergeCommit?.hex ?? status.head.hex)
        let verdict = GateRule.decide(status: status, checks: CheckRecorder.latestStates(latest), required: settings.requiredChecks)
        switch verdict {
        case .refuse(let refusal):
            outcome.refusal = try await explainUntested(refusal, pipeline: pipeline.name, status: status, repository: repository)
            return outcome
        case .merge(let merge, let expected):
            do {
                try await publish(merge, expected: expected, mirror: mirror, repository: repository)
            } catch let error as GitError where error.code == .refMoved || error.code == .refLocked {
                outcome.refusal = .targetMoved
                return outcome
            } catch let error as GitError where error.code == .pushRefused {
                // A protected branch on GitHub: say what GitHub said (a required check, a review, …).
                outcome.refusal = .pushRefused(error.message)
                return outcome
            }
            _ = try await store.updatePullRequest(pipeline: pipeline.name, number: number) { $0?.state = .merged }
            outcome.merged = true
            outcome.reason = "\(mirror.targetBranch) moved from \(expected.short) to \(merge.short)"
            return outcome
        }
    }

    /// A pending or missing check on the current merge commit, after an earlier merge of the same pull request
    /// was tested, means the target or the head moved since: say so, as bors does ("target moved: re-testing").
    private func explainUntested(_ refusal: GateRefusal, pipeline: ResourceName, status: PullRequestStatus,
                                 repository: Repository) async throws -> GateRefusal {
        guard let merge = status.mergeCommit, refusal.awaitsTesting else { return refusal }
        let runs = try await store.testRuns(pipeline: pipeline, prNumber: status.number, limit: 20)
        guard let earlier = runs.first(where: { $0.commit != merge.hex }), let earlierID = ObjectID(hex: earlier.commit),
              let parents = try? await repository.commit(earlierID).parents, parents.count == 2 else { return refusal }
        return parents[1] == status.head ? .targetMoved : .newCommits
    }

    /// Moves the target to `merge`: first in the origin, then in the mirror. A local path origin gets the merge's
    /// objects copied in and its ref compared-and-swapped; a URL origin gets a fast-forward-only push (a moved
    /// target is refused there). Either way a moved origin writes nothing.
    private func publish(_ merge: ObjectID, expected: ObjectID, mirror: PipelineMirror, repository: Repository) async throws {
        if let origin = mirror.localOriginPath {
            try await repository.copyObjects(reachableFrom: merge, toRepositoryAt: origin)
            let originRepository = try Repository.open(path: origin)
            try await originRepository.compareAndSwap(mirror.targetRef, expected: expected, new: merge,
                                                      message: "slipway: gate merged \(merge.short)")
        } else {
            try await repository.push(merge, to: mirror.origin, as: mirror.targetRef)
        }
        do throws(GitError) {
            try await repository.compareAndSwap(mirror.targetRef, expected: expected, new: merge, message: "slipway: gate merged \(merge.short)")
        } catch {
            // The origin has the merge already; if the mirror's ref moved meanwhile, the next fetch brings it in line.
            guard error.code == .refMoved || error.code == .refLocked else { throw error }
        }
    }

    /// Deploys the new target to every staging app of the pipeline (the same build review apps of that tree use).
    private func deployStaging(pipeline: Pipeline, commit: ObjectID, mirror: PipelineMirror, number: Int) async -> [GateDeploy] {
        guard let apps = try? await store.apps(inPipeline: pipeline.name) else { return [] }
        var results: [GateDeploy] = []
        for app in apps where app.stage == .staging && app.review == nil {
            do {
                let repository = try Repository.open(path: mirror.path)
                let result = try await deployer.deploy(app: app.name, commit: commit, in: repository,
                                                       description: "Deploy \(commit.short) (gate merged #\(number))")
                results.append(GateDeploy(app: app.name.rawValue, succeeded: result.succeeded,
                                          release: result.release.version, reason: result.reason))
            } catch {
                results.append(GateDeploy(app: app.name.rawValue, succeeded: false, release: nil,
                                          reason: OrchestrationError.reason(of: error)))
            }
            if let deploy = results.last {
                let event = StagingDeployEvent(pipeline: pipeline.name, app: app.name, commit: commit.hex,
                                               url: settings.reviewAppURL(host: "\(app.name).\(settings.domain)"),
                                               succeeded: deploy.succeeded, reason: deploy.reason)
                for observer in reviewAppObservers { await observer.stagingDeployed(event) }
            }
        }
        return results
    }
}
