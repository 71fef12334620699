import Foundation
import Processes

/// How each worker gets its own checkout of the tree under test.
public enum WorkspaceStrategy: String, Sendable, CaseIterable {
    /// `overlay` where the system allows it, `copy` otherwise.
    case automatic
    /// A full copy of the tree per worker (without `.git` and `.slipway`).
    case copy
    /// A copy-on-write overlay (Linux overlayfs in a private mount namespace, via `unshare`): the tree is the
    /// read-only lower layer and each worker writes to its own upper layer. Start-up costs one mount per command
    /// instead of a copy, whatever the tree's size. Needs root (as in most CI containers).
    case overlay
}

/// One worker's private directories and the way its commands are started.
struct Workspace: Sendable {
    /// The checkout as the worker's commands see it (their working directory).
    let root: String
    /// Where files the commands write into the checkout appear, as seen from Slipway
    /// (the copy itself, or the overlay's upper layer).
    let writableRoot: String
    let home: String
    let temporary: String
    let logs: String
    let reports: String
    let overlay: OverlayMount?

    /// The process that runs `command` in this workspace.
    func process(for command: String, environment: [String: String], outputPath: String) -> ProcessSpec {
        var environment = environment
        environment["PWD"] = root
        guard let overlay else {
            return .shell(command, environment: environment, workingDirectory: root, outputPath: outputPath)
        }
        return overlay.process(for: command, mountPoint: root, environment: environment, outputPath: outputPath)
    }
}

/// The overlay layers of one worker, and the `unshare` wrapper that mounts them for each command.
struct OverlayMount: Sendable {
    let lower: String
    let upper: String
    let work: String
    let tools: OverlayTools

    var mountOptions: String { "lowerdir=\(lower),upperdir=\(upper),workdir=\(work)" }

    /// `unshare --mount` gives the command a private mount namespace (propagation private, so nothing leaks to
    /// the host); inside it the overlay is mounted on the worker's directory and the command runs there.
    /// `unshare` execs rather than forks, so the command stays in the worker's process group.
    func process(for command: String, mountPoint: String, environment: [String: String],
                 outputPath: String) -> ProcessSpec {
        let script = "\(tools.mount) -t overlay slipway -o \"$1\" \"$2\" && cd \"$2\" && exec /bin/sh -c \"$3\""
        return ProcessSpec(
            executable: tools.unshare,
            arguments: ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "slipway-workspace",
                        mountOptions, mountPoint, command],
            environment: environment, workingDirectory: mountPoint, outputPath: outputPath)
    }
}

/// Paths of the programs the overlay strategy needs.
struct OverlayTools: Sendable {
    let unshare: String
    let mount: String
}
