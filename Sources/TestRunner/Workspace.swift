import Foundation
import Processes
import Sandbox

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
    /// The checkout's host directory (the copy, or the overlay's mount point); the commands see it at `/app`
    /// when sandboxed.
    let root: String
    /// Where files the commands write into the checkout appear, as seen from Slipway
    /// (the copy itself, or the overlay's upper layer).
    let writableRoot: String
    let home: String
    let temporary: String
    let logs: String
    let reports: String
    /// Who runs the commands and what they see; every command goes through `launcher`.
    let launcher: SandboxLauncher
    let policy: SandboxPolicy

    /// The roots a path in a report may start with: the host paths and, when sandboxed, `/app`.
    var attributionRoots: [String] {
        launcher.isSandboxed ? [root, writableRoot, SandboxPolicy.appPath] : [root, writableRoot]
    }

    /// The process that runs `command` in this workspace. A sandbox that cannot be prepared (its generated
    /// files cannot be written) gives a process that fails saying why: never one that runs unsandboxed.
    func process(for command: String, environment: [String: String], outputPath: String) -> ProcessSpec {
        do {
            // A batch's reports directory is made by Slipway just before; the sandbox's uid must write into it.
            if launcher.isSandboxed, let batchReports = environment["SLIPWAY_REPORTS_DIR"], batchReports.hasPrefix(reports + "/") {
                try TreeOwnership.makeDirectories([batchReports], for: policy.identity)
            }
            return try launcher.process(command: command, environment: environment, policy: policy, outputPath: outputPath)
        } catch {
            return .shell("echo \(ShellQuoting.quote("slipway: cannot sandbox this command: \(error.message)")) >&2; exit 126",
                          environment: [:], workingDirectory: "/", outputPath: outputPath)
        }
    }
}

enum ShellQuoting {
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
