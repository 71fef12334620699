import Foundation
import Platform
import SlipwayModel
import TestRunner

/// Several service instances on one store: the test runs of an instance that fell silent (killed, or cut off) are
/// adopted by a live one, which runs them again from the start under its own ownership (same run id). The dead
/// instance's test processes died with it, and the run's file results are only written when it ends, so nothing of
/// its attempt is recorded; a zombie that comes back is fenced off by the store (`CIStore.updateTestRun`).
extension PullRequestFlow {
    /// Claims the unfinished test runs whose owner's heartbeat is older than `ownerSilentSince` and runs each here.
    /// Nothing without an instance id (the embedded single-instance service).
    public func adoptOrphanedTestRuns(ownerSilentSince: Date) async {
        guard let instance = settings.instanceID, !stopping else { return }
        let runs: [TestRun]
        do {
            runs = try await store.adoptTestRuns(by: instance, ownerSilentSince: ownerSilentSince)
        } catch {
            logger.warning("adopting test runs failed", metadata: ["error": "\(error)"])
            return
        }
        for run in runs { resumeAdopted(run) }
    }

    /// Stops this instance's running test runs that another instance ended in the store (a newer push of the pull
    /// request seen there: `CIStore`'s `cancelTestRuns`).
    public func stopRunsEndedElsewhere() async {
        guard let instance = settings.instanceID, !stopping else { return }
        for (key, commit) in runningTests.commits {
            guard let pipeline = try? ResourceName(key.pipeline),
                  let runs = try? await store.testRuns(pipeline: pipeline, prNumber: key.number, limit: 10),
                  let run = runs.first(where: { $0.commit == commit && $0.owner == instance }),
                  run.state.isFinished, runningTests.commit(of: key) == commit
            else { continue }
            logger.notice("test run \(run.id) was ended by another service instance (\(run.message ?? run.state.rawValue)); stopping it here")
            cancelTestRun(key)
        }
    }

    /// Ends the pull request's unfinished runs whoever owns them (it closed, merged or went away); their owners stop
    /// them at their next heartbeat.
    func cancelTestRunsElsewhere(_ key: PullRequestKey) async {
        guard let pipeline = try? ResourceName(key.pipeline) else { return }
        _ = try? await store.cancelTestRuns(pipeline: pipeline, prNumber: key.number, keeping: "",
                                            message: "cancelled: a newer push or the pull request's closing replaced it")
    }

    private func resumeAdopted(_ run: TestRun) {
        logger.notice("adopted test run \(run.id) (pipeline \(run.pipeline), \(run.prNumber.map { "pull request #\($0)" } ?? "no pull request")) from a silent service instance")
        guard let number = run.prNumber else {
            // Only pull requests' runs are started by the flow; nothing here could run another kind again.
            spawn { await self.endAdopted(run, state: .error, message: StartupRecovery.reason) }
            return
        }
        let key = PullRequestKey(pipeline: run.pipeline.rawValue, number: number)
        if runningTests.commit(of: key) != nil {
            // This instance already tests a newer push of the pull request: the adopted run is obsolete.
            spawn { await self.endAdopted(run, state: .cancelled, message: "cancelled: a newer push replaced it") }
            return
        }
        let task = spawn { await self.runAdopted(run, key: key) }
        runningTests.start(key, commit: run.commit, task: task)
    }

    private func runAdopted(_ run: TestRun, key: PullRequestKey) async {
        let head: String
        let mirror: PipelineMirror
        do {
            let pipeline = try await store.pipeline(named: run.pipeline)
            mirror = self.mirror(for: pipeline)
            // The dead instance made the merge commit in its own mirror; test merges are reproducible, so fetching and
            // scanning this one (under the pipeline's locks, like a reconciliation) makes the same commit here.
            try await locks.withLock("pipeline:\(run.pipeline)") {
                try await self.store.withPipelineLock(run.pipeline) {
                    _ = try await self.refreshAndScan(mirror, pipeline: run.pipeline)
                }
            }
            head = try await store.pullRequest(pipeline: run.pipeline, number: key.number)?.headCommit ?? run.commit
        } catch {
            let failure = TestRunError(.workspace, "the adopted run could not be prepared: \(error)")
            await finishTestRun(run, outcome: .failure(failure), timeline: ShardTimelineRecorder().timeline,
                                head: run.commit, key: key)
            return
        }
        await performTestRun(run, head: head, mirror: mirror, key: key)
    }

    private func endAdopted(_ run: TestRun, state: TestRunState, message: String) async {
        var ended = run
        ended.state = state
        ended.message = message
        ended.finishedAt = Date()
        _ = try? await store.updateTestRun(ended)
    }
}
