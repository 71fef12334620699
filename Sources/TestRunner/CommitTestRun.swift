import Foundation
import GitKit

/// A test run of a commit rather than a working tree: how the service tests a pull request's test merge.
///
/// The commit's tree is exported through GitKit (libgit2, never the `git` program) into the scratch directory,
/// its app.json is read from the exported tree, and the run proceeds as for `slipway ci run` on that tree;
/// `HEROKU_TEST_RUN_COMMIT_VERSION` is the commit and `HEROKU_TEST_RUN_BRANCH` the given branch.
public enum CommitTestRun {
    public static func run(commit: ObjectID, in repository: Repository, branch: String, options: RunOptions,
                           observer: (any TestRunObserver)? = nil,
                           adjust: @Sendable (inout TestSuiteConfiguration) -> Void = { _ in })
        async throws(TestRunError) -> TestRunResult {
        var options = options
        options.identity.commitVersion = commit.hex
        options.identity.branch = branch
        let tree = options.scratchDirectory.appendingPathComponent("slipway-tree-\(options.identity.id)")
        defer { try? FileManager.default.removeItem(at: tree) }
        do {
            try await repository.exportTree(of: commit, to: tree.path)
        } catch {
            throw TestRunError(.workspace, "cannot export commit \(commit.hex) for testing: \(error)")
        }
        var configuration = try TestSuiteConfiguration.load(appDirectory: tree).configuration
        adjust(&configuration)
        return try await TestSuiteRun(appDirectory: tree, configuration: configuration, options: options,
                                 observer: observer).run()
    }

    /// A test run of a commit already built for the test context (Heroku CI): the workers' workspaces are
    /// made from the build (its dependencies installed once, not per worker), whose `buildEnvironment` (its
    /// venv or `node_modules/.bin` first on `PATH`) lies under the suite's config vars.
    public static func run(built tree: URL, commit: ObjectID, branch: String, options: RunOptions,
                           buildEnvironment: [String: String], observer: (any TestRunObserver)? = nil,
                           adjust: @Sendable (inout TestSuiteConfiguration) -> Void = { _ in })
        async throws(TestRunError) -> TestRunResult {
        var options = options
        options.identity.commitVersion = commit.hex
        options.identity.branch = branch
        var configuration = try TestSuiteConfiguration.load(appDirectory: tree).configuration
        configuration.environment = buildEnvironment.merging(configuration.environment) { $1 }
        adjust(&configuration)
        return try await TestSuiteRun(appDirectory: tree, configuration: configuration, options: options,
                                 observer: observer).run()
    }
}
