import Foundation
import Processes
import Sandbox

/// The one place a build spawns anything: every build step (installers, package scripts, `collectstatic`,
/// `slipway.build`, the toolchain probes) is a shell command run here with an explicit environment in a
/// directory of the build tree, its output appended to the build's log file.
///
/// A launcher that confines repository code (the sandbox) wraps `run`; under it the build tree is seen at
/// `/app`, which `treePath` reports so builders bake the path the slug will run at.
public struct BuildShell: Sendable {
    /// Longest one step may run.
    public var timeout: Duration
    /// Where the commands see the build tree: nil, its real path (no sandbox); "/app" under the sandbox.
    public var mountPoint: String?
    /// The sandbox a build's steps run in; nil: as the service's own user (`serve --no-sandbox`, the toolchain
    /// probe, which runs no repository code).
    public var confinement: Confinement?

    /// One build's sandbox: a fresh uid for the whole build, with a private `HOME` and `/tmp`. The directory a
    /// step runs in is bound at `/app` and given to that uid before each step, so files a step restored from the
    /// dependency cache (root's hard links) are writable by the next one; network shared, to reach registries.
    public struct Confinement: Sendable {
        public var launcher: SandboxLauncher
        public var identity: SandboxIdentity
        public var home: String
        public var temporary: String
        /// Host paths the steps never see (the data dir).
        public var hidden: [String]

        public init(launcher: SandboxLauncher, identity: SandboxIdentity, home: String, temporary: String,
                    hidden: [String]) {
            self.launcher = launcher
            self.identity = identity
            self.home = home
            self.temporary = temporary
            self.hidden = hidden
        }

        func process(_ command: String, environment: [String: String], in directory: URL,
                     log: URL) throws(SandboxError) -> ProcessSpec {
            try TreeOwnership.give(directory.path, to: identity)
            let policy = SandboxPolicy(identity: identity, tree: .directory(directory.path, writable: true), home: home,
                                       temporary: temporary, hidden: hidden, network: .shared)
            return try launcher.process(command: command, environment: environment, policy: policy, outputPath: log.path)
        }
    }

    public init(timeout: Duration, mountPoint: String? = nil) {
        self.timeout = timeout
        self.mountPoint = mountPoint
    }

    /// The path commands see for `tree`.
    public func treePath(_ tree: URL) -> String { mountPoint ?? tree.path }

    /// Runs `command` with `/bin/sh -c` in `directory` with exactly `environment`; output goes to `log`.
    /// Returns how it ended; a step that outlives `timeout` is killed with its whole process group.
    public func run(_ command: String, environment: [String: String], in directory: URL,
                    log: URL) async throws(BuildError) -> Termination {
        do {
            let spec = try confinement?.process(command, environment: environment, in: directory, log: log)
                ?? ProcessSpec.shell(command, environment: environment, workingDirectory: directory.path,
                                     outputPath: log.path)
            let group = try ProcessGroup(terminationGrace: .seconds(5))
            let limit = timeout
            return try await withThrowingTaskGroup(of: Termination?.self) { tasks in
                tasks.addTask { try await group.run(spec) }
                tasks.addTask { try await Task.sleep(for: limit); return nil }
                let first = try await tasks.next() ?? nil
                tasks.cancelAll()
                await group.terminate()
                return first ?? .signaled(SIGKILL)
            }
        } catch {
            throw BuildError(message: "cannot run `\(command)`: \(error)", output: "")
        }
    }
}
