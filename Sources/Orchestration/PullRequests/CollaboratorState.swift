import Foundation

/// The test-run scheduler's state: the running test run of each pull request (the merge commit it tests and
/// its task). Only the scheduler's methods (`PullRequestFlow+TestRuns`) change it.
struct RunningTestRuns {
    private var running: [PullRequestFlow.PullRequestKey: (commit: String, task: UUID)] = [:]

    func commit(of key: PullRequestFlow.PullRequestKey) -> String? { running[key]?.commit }

    /// Every pull request with a running test run, and the commit it tests.
    var commits: [(key: PullRequestFlow.PullRequestKey, commit: String)] { running.map { ($0.key, $0.value.commit) } }

    mutating func start(_ key: PullRequestFlow.PullRequestKey, commit: String, task: UUID) {
        running[key] = (commit, task)
    }

    /// Forgets the pull request's run and returns its task, to be cancelled.
    mutating func remove(_ key: PullRequestFlow.PullRequestKey) -> UUID? {
        running.removeValue(forKey: key)?.task
    }

    /// Forgets the run of `commit` when it ended (a newer run of the pull request is kept).
    mutating func finished(_ key: PullRequestFlow.PullRequestKey, commit: String) {
        if running[key]?.commit == commit { running[key] = nil }
    }
}

/// The review-app provisioner's state: the merge each pull request's review app is being deployed from, and
/// the deploys this run of the service started (a failed one is not retried until a new merge commit; one
/// interrupted by a restart is retried once). Only `PullRequestFlow+ReviewApps` changes it.
struct ReviewAppDeploys {
    private var deploying: [PullRequestFlow.PullRequestKey: String] = [:]
    private var attempted: Set<String> = []

    func isDeploying(_ key: PullRequestFlow.PullRequestKey, merge: String) -> Bool { deploying[key] == merge }

    func wasAttempted(_ key: PullRequestFlow.PullRequestKey, merge: String) -> Bool {
        attempted.contains(Self.attempt(key, merge))
    }

    mutating func begin(_ key: PullRequestFlow.PullRequestKey, merge: String) {
        deploying[key] = merge
        attempted.insert(Self.attempt(key, merge))
    }

    mutating func end(_ key: PullRequestFlow.PullRequestKey, merge: String) {
        if deploying[key] == merge { deploying[key] = nil }
    }

    private static func attempt(_ key: PullRequestFlow.PullRequestKey, _ merge: String) -> String {
        "\(key.pipeline)#\(key.number)@\(merge)"
    }
}
