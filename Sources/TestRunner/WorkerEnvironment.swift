import Manifest

/// The variables a worker's commands receive, lowest precedence first: the base environment, the suite's
/// config vars, Slipway's variables (SPEC §3), the caller's extra variables for this worker
/// (`RunOptions.workerEnvironment`); then each batch adds its own (`forBatch`).
enum WorkerEnvironment {
    static func make(base: [String: String], suite: [String: String], shard: Int, total: Int,
                     identity: RunIdentity, workspace: Workspace, extra: [String: String] = [:]) -> [String: String] {
        // Slipway's own variables (SLIPWAY_TOKEN above all) stay with Slipway; those of an outer Slipway run
        // must not leak into this one's batches either.
        var environment = base.filter { !$0.key.hasPrefix("SLIPWAY_") }
        for (key, value) in suite { environment[key] = value }
        let injected = InjectedVariables.testRun(runID: identity.id, branch: identity.branch,
                                                 commit: identity.commitVersion)
            .merging(InjectedVariables.testWorker(index: shard, total: total)) { $1 }
            .merging(["HOME": workspace.home, "TMPDIR": workspace.temporary]) { $1 }
        for (key, value) in injected { environment[key] = value }
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Adds the per-batch variables: the files (newline-separated; absent in an `env` split, where Slipway
    /// does not choose files), where to write JUnit XML, and the attempt.
    static func forBatch(_ environment: [String: String], files: [String]?, reportsDirectory: String,
                         attempt: Int) -> [String: String] {
        var environment = environment
        if let files { environment["SLIPWAY_TEST_FILES"] = files.joined(separator: "\n") }
        environment["SLIPWAY_REPORTS_DIR"] = reportsDirectory
        environment["SLIPWAY_TEST_ATTEMPT"] = String(attempt)
        return environment
    }
}
