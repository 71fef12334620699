import Foundation
import Processes

/// The one place that turns a command from repository code (a build, `test-setup`, a test batch, the release
/// phase, `postdeploy`, `pr-predestroy`, a dyno) into a process. Every such process is started through
/// `process(command:environment:policy:outputPath:)`; no other code spawns repository code.
///
/// `.sandboxed`: bubblewrap + setpriv (see `BubblewrapCommand`): `/app` is the tree, the system read-only, an
/// unprivileged uid, private `/tmp`, `HOME`, `/proc`, PID/IPC/UTS namespaces, only the granted environment.
/// `.unsandboxed` (`serve --no-sandbox`, plain `ci run`): the command runs at the tree's real path as the
/// service's own user, as before the sandbox existed; limits still apply.
public struct SandboxLauncher: Sendable {
    public enum Mode: Sendable {
        case sandboxed(SandboxSetup)
        case unsandboxed
    }

    public let mode: Mode

    public init(_ mode: Mode) { self.mode = mode }

    public static let unsandboxed = SandboxLauncher(.unsandboxed)

    public var isSandboxed: Bool {
        if case .sandboxed = mode { return true }
        return false
    }

    public var setup: SandboxSetup? {
        if case .sandboxed(let setup) = mode { return setup }
        return nil
    }

    /// How limits are enforced (`unavailable` without a sandbox setup: an unsandboxed launcher enforces none).
    public var limitMechanism: LimitMechanism { setup?.limitMechanism ?? .unavailable }

    /// The path the command sees for the host path `path` under the tree (`/app/…` when sandboxed).
    public func visiblePath(_ path: String, policy: SandboxPolicy) -> String {
        guard isSandboxed else { return path }
        let root = policy.tree.hostPath
        if path == root { return SandboxPolicy.appPath }
        if path.hasPrefix(root + "/") { return SandboxPolicy.appPath + path.dropFirst(root.count) }
        return path
    }

    /// The process that runs `command` (with `/bin/sh -c`) under `policy`.
    public func process(command: String, environment: [String: String], policy: SandboxPolicy,
                        outputPath: String?) throws(SandboxError) -> ProcessSpec {
        switch mode {
        case .sandboxed(let setup):
            return try BubblewrapCommand(setup: setup, policy: policy)
                .process(command: command, environment: environment, outputPath: outputPath)
        case .unsandboxed:
            return try Self.unsandboxedProcess(command: command, environment: environment, policy: policy,
                                               outputPath: outputPath)
        }
    }

    /// The service's own user at the real paths; an overlay tree is mounted in a private mount namespace
    /// (`unshare --mount`, which needs root) before the command starts in it.
    private static func unsandboxedProcess(command: String, environment: [String: String], policy: SandboxPolicy,
                                           outputPath: String?) throws(SandboxError) -> ProcessSpec {
        var environment = environment
        let root = policy.tree.hostPath
        environment["PWD"] = root
        if let home = policy.home { environment["HOME"] = home }
        if let temporary = policy.temporary { environment["TMPDIR"] = temporary }
        var steps: [String] = []
        if let limits = policy.limits, !limits.joinScript.isEmpty { steps.append(limits.joinScript) }
        var prefix: [String] = []
        if case .overlay(let layers) = policy.tree {
            guard let unshare = SandboxTools.find("unshare"), let mount = SandboxTools.find("mount") else {
                throw SandboxError("overlay trees need util-linux unshare and mount")
            }
            prefix = [unshare, "--mount", "--propagation", "private"]
            steps.append("\(mount) -t overlay slipway -o \(ShellQuote.quote(layers.mountOptions)) \(ShellQuote.quote(root))")
            steps.append("cd \(ShellQuote.quote(root))")
        }
        let limited = (policy.limits?.prlimitArguments ?? []) + ["/bin/sh", "-c", command]
        let argv: [String]
        if steps.isEmpty {
            argv = limited
        } else {
            argv = prefix + ["/bin/sh", "-c", steps.joined(separator: " && ") + " && exec \"$@\"", "slipway-sandbox"] + limited
        }
        return ProcessSpec(executable: argv[0], arguments: Array(argv.dropFirst()), environment: environment,
                           workingDirectory: root, outputPath: outputPath)
    }
}

extension SandboxLauncher: Equatable {
    /// Two launchers are the same when both are unsandboxed or both use the same setup (state directory).
    public static func == (left: SandboxLauncher, right: SandboxLauncher) -> Bool {
        left.setup?.stateDirectory == right.setup?.stateDirectory && left.isSandboxed == right.isSandboxed
    }
}
