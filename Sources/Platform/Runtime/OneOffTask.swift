import Foundation
import Processes
import Sandbox

/// A one-off process of a release (app.json `postdeploy`, `pr-predestroy`): runs a shell command in the build
/// directory with the release's environment, in its own process group, killed after `timeout`.
public struct OneOffTask: Sendable {
    public var name: String
    public var command: String
    public var directory: String
    public var environment: [String: String]
    public var timeout: Duration
    /// How the process is started (sandboxed: the app's uid, the build at `/app` under a private layer).
    public var isolation: AppIsolation
    public var network: SandboxNetwork
    /// Memory, process and CPU limits; nil: none.
    public var limits: ResourceLimits?

    public init(name: String, command: String, directory: String, environment: [String: String], timeout: Duration = .seconds(300),
                isolation: AppIsolation = .unsandboxed, network: SandboxNetwork = .shared, limits: ResourceLimits? = nil) {
        self.name = name
        self.command = command
        self.directory = directory
        self.environment = environment
        self.timeout = timeout
        self.isolation = isolation
        self.network = network
        self.limits = limits
    }

    public struct Outcome: Sendable, Equatable {
        public var succeeded: Bool
        /// Why it failed, in a sentence (nil on success).
        public var reason: String?
        /// The tail of the combined output.
        public var output: String

        public init(succeeded: Bool, reason: String?, output: String) {
            self.succeeded = succeeded
            self.reason = reason
            self.output = output
        }
    }

    /// Runs the task, writing its output to `outputPath`, and appends the output to `log` line by line. The
    /// outcome's output is masked with the log's secrets (`AppLog.masker`).
    public func run(outputPath: String, log: AppLog? = nil) async -> Outcome {
        var prepared: AppIsolation.PreparedRun?
        let outcome = await execute(outputPath: outputPath, log: log, prepared: &prepared)
        await prepared?.finish()
        guard let masker = log?.masker, !masker.isEmpty else { return outcome }
        return Outcome(succeeded: outcome.succeeded, reason: outcome.reason.map(masker.apply), output: masker.apply(outcome.output))
    }

    private func execute(outputPath: String, log: AppLog?, prepared: inout AppIsolation.PreparedRun?) async -> Outcome {
        var environment = self.environment
        environment["DYNO"] = "\(name).1"
        do {
            let sandbox = try isolation.prepare(name: "\(name)-\(UUID().uuidString.prefix(8))", slug: directory,
                                                network: network, limits: limits)
            prepared = sandbox
            let group = try ProcessGroup(terminationGrace: .seconds(5))
            let spec = try isolation.launcher.process(command: command, environment: environment, policy: sandbox.policy,
                                                      outputPath: outputPath)
            let limit = timeout
            let termination: Termination? = try await withThrowingTaskGroup(of: Termination?.self) { tasks in
                tasks.addTask { try await group.run(spec) }
                tasks.addTask { try await Task.sleep(for: limit); return nil }
                let first = try await tasks.next() ?? nil
                tasks.cancelAll()
                await group.terminate()
                return first
            }
            let output = OutputTail.read(outputPath, lines: 20)
            for line in OutputTail.read(outputPath, lines: 200).split(separator: "\n") {
                log?.append(source: name, text: String(line))
            }
            guard let termination else {
                return Outcome(succeeded: false, reason: "\(name) timed out after \(limit)", output: output)
            }
            guard termination.succeeded else {
                return Outcome(succeeded: false, reason: "\(name) failed (\(termination))", output: output)
            }
            return Outcome(succeeded: true, reason: nil, output: output)
        } catch {
            return Outcome(succeeded: false, reason: "cannot run \(name): \(error)", output: "")
        }
    }
}
