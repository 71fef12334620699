import Foundation
import Processes
import Sandbox

/// The tree under test as one tar archive, made once per run that has remote slots, for workers to download
/// (`GET /api/v1/trees/{tree}`) and cache by tree id. Made with the system's `tar` (Slipway's own tool, not
/// repository code: the unsandboxed launcher, as the overlay probe); `.git` and `.slipway` are left out as from
/// every workspace.
enum TreeArchive {
    static func make(of directory: String, at archive: String) async throws(TestRunError) {
        let excluded = WorkspaceFactory.excludedEntries.sorted().map { "--exclude=./\($0)" }.joined(separator: " ")
        let command = "tar -cf \(quoted(archive)) \(excluded) -C \(quoted(directory)) ."
        do {
            let policy = SandboxPolicy(identity: SandboxIdentity(uid: 65534), tree: .directory(directory, writable: false))
            let spec = try SandboxLauncher.unsandboxed.process(command: command, environment: ["PATH": "/usr/bin:/bin"],
                                                               policy: policy, outputPath: archive + ".log")
            let group = try ProcessGroup(terminationGrace: .seconds(1))
            let termination = try await group.run(spec)
            await group.terminate()
            guard termination.succeeded else {
                throw TestRunError(.workspace, "cannot archive the tree for remote workers (tar: \(termination)): "
                                   + OutputTail.read(archive + ".log"))
            }
        } catch let error as TestRunError {
            throw error
        } catch {
            throw TestRunError(.workspace, "cannot archive the tree for remote workers: \(error)")
        }
    }

    /// Extracts an archive into a new directory (the worker's tree cache).
    static func extract(_ archive: String, into directory: String) async throws(TestRunError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let policy = SandboxPolicy(identity: SandboxIdentity(uid: 65534), tree: .directory(directory, writable: true))
            let spec = try SandboxLauncher.unsandboxed.process(
                command: "tar -xf \(quoted(archive)) -C \(quoted(directory))", environment: ["PATH": "/usr/bin:/bin"],
                policy: policy, outputPath: archive + ".log")
            let group = try ProcessGroup(terminationGrace: .seconds(1))
            let termination = try await group.run(spec)
            await group.terminate()
            guard termination.succeeded else {
                throw TestRunError(.workspace, "cannot extract the tree (tar: \(termination)): " + OutputTail.read(archive + ".log"))
            }
        } catch let error as TestRunError {
            throw error
        } catch {
            throw TestRunError(.workspace, "cannot extract the tree: \(error)")
        }
    }

    static func quoted(_ path: String) -> String {
        "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
