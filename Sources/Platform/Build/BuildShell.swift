import Foundation
import Processes

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
            let group = try ProcessGroup(terminationGrace: .seconds(5))
            let spec = ProcessSpec.shell(command, environment: environment, workingDirectory: directory.path,
                                         outputPath: log.path)
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
