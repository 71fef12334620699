import Foundation
import Processes
import Sharding

/// Runs one work item in a worker's workspace and judges it file by file.
struct BatchRunner: Sendable {
    let configuration: TestSuiteConfiguration
    let workspace: Workspace
    let group: ProcessGroup
    /// The worker's environment without the per-batch variables, keyed by shard for `env` retries.
    let environment: @Sendable (_ shard: Int) -> [String: String]
    let collector: ReportCollector
    /// Every discovered file, for attributing an `env` shard's reports.
    let knownFiles: [String]
    let estimates: [String: Double]
    let worker: Int

    struct Outcome: Sendable {
        var verdicts: [FileVerdict]
        var seconds: [String: Double]
        var wallSeconds: Double
        var outputTail: String
        /// The batch was killed because the run is stopping.
        var interrupted: Bool
        /// When the test process was started (a remote slot measures its lease-to-start latency from it).
        var started: ContinuousClock.Instant
    }

    func run(_ item: WorkItem, sequence: Int) async throws(TestRunError) -> Outcome {
        let reports = workspace.reports + "/batch-\(sequence)"
        let log = workspace.logs + "/batch-\(sequence).log"
        do {
            try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        } catch {
            throw TestRunError(.workspace, "cannot create \(reports): \(error.localizedDescription)", worker: worker)
        }
        let command = CommandTemplate.render(configuration.testCommand, files: item.files)
        let environment = WorkerEnvironment.forBatch(environment(item.shard ?? worker),
                                                     files: item.shard == nil ? item.files : nil,
                                                     reportsDirectory: reports, attempt: item.attempt)
        let spec = workspace.process(for: command, environment: environment, outputPath: log)
        let started = ContinuousClock.now
        let termination: Termination
        do {
            termination = try await group.run(spec)
        } catch {
            throw TestRunError(.process, "worker \(worker) could not start the test command: \(error.message)",
                               worker: worker)
        }
        let wall = (ContinuousClock.now - started).seconds
        let interrupted = Task.isCancelled
        let collected = collector.collect(reportsDirectory: reports, workspace: workspace, logPath: log)
        var tail = OutputTail.read(log)
        if !collected.problems.isEmpty {
            tail += "\n(unreadable reports: " + collected.problems.joined(separator: "; ") + ")"
        }
        let exitStatus: Int32? = if case .exited(let status) = termination, !interrupted { status } else { nil }
        let outcome = BatchOutcome(succeeded: termination.succeeded, summary: termination.description,
                                   exitStatus: exitStatus)
        let verdicts: [FileVerdict]
        if item.shard != nil {
            verdicts = EnvShardVerdict.judge(shard: item.shard!, cases: collected.cases, reported: collected.foundReport,
                                             outcome: outcome, knownFiles: knownFiles, workspace: workspace)
        } else {
            let attribution = ResultAttribution(files: item.files, roots: workspace.attributionRoots)
            verdicts = BatchVerdict.judge(files: item.files, cases: collected.cases, outcome: outcome,
                                          attribution: attribution, reported: collected.foundReport)
        }
        return Outcome(verdicts: verdicts, seconds: durations(verdicts, wall: wall), wallSeconds: wall,
                       outputTail: tail, interrupted: interrupted, started: started)
    }

    /// Per-file seconds: the reports' case times when every file has them, otherwise the batch's wall time
    /// shared out by estimate (exact for a one-file batch).
    private func durations(_ verdicts: [FileVerdict], wall: Double) -> [String: Double] {
        var reported: [String: Double] = [:]
        for verdict in verdicts {
            let times = verdict.cases.compactMap(\.seconds)
            if !times.isEmpty { reported[verdict.file] = times.reduce(0, +) }
        }
        if reported.count == verdicts.count && reported.values.reduce(0, +) > 0 { return reported }
        let weights = verdicts.map { estimates[$0.file] ?? 1 }
        let total = weights.reduce(0, +)
        var shares: [String: Double] = [:]
        for (verdict, weight) in zip(verdicts, weights) {
            shares[verdict.file] = total > 0 ? wall * weight / total : wall / Double(max(verdicts.count, 1))
        }
        return shares
    }
}
