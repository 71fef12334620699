import Crypto
import Foundation
import GitKit
import Processes
import Sandbox

/// A build (slug): an app's tree, exported once and prepared by its build command, never changed after.
public struct Build: Sendable, Equatable, Codable {
    /// Content address: derived from the source tree and the build command, so the same inputs give the same id.
    public var id: String
    /// The prepared tree dynos run in.
    public var directory: String
    /// What it was built from: a commit id or a local directory.
    public var source: String
}

/// A build that could not be made; `output` is the tail of the build command's output.
public struct BuildError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var output: String
    public var description: String { output.isEmpty ? message : "\(message)\n\(output)" }
}

/// The content-addressed build directories under `<data-dir>/builds/`.
///
/// A build is made in a scratch directory and renamed into place only when its build command succeeded,
/// so `builds/<id>` always holds a complete build and a second request for the same inputs reuses it
/// (promotion never rebuilds). `collectGarbage` removes builds no release refers to.
public actor BuildStore {
    public let root: URL
    /// Longest a build command may run.
    public var timeout: Duration
    /// How build commands are started (sandboxed: a fresh uid per build, the tree at `/app`, network shared).
    public let launcher: SandboxLauncher
    /// Host paths build commands never see (the data dir).
    public let hidden: [String]

    public init(root: URL, timeout: Duration = .seconds(15 * 60), launcher: SandboxLauncher = .unsandboxed,
                hidden: [String] = []) {
        self.root = root
        self.timeout = timeout
        self.launcher = launcher
        self.hidden = hidden
    }

    /// Builds a commit: exports its tree through libgit2 and runs `command` there once.
    public func build(commit: ObjectID, in repository: Repository, command: String?) async throws(BuildError) -> Build {
        let tree: ObjectID
        do {
            tree = try await repository.commit(commit).tree
        } catch {
            throw BuildError(message: "cannot build \(commit.short): \(error.message)", output: "")
        }
        let id = Self.buildID(source: "tree \(tree.hex)", command: command)
        return try await make(id: id, source: commit.hex, command: command, sourceVersion: commit.hex) { (target) throws(BuildError) in
            do {
                try await repository.exportTree(of: commit, to: target.path)
            } catch {
                throw BuildError(message: "cannot export \(commit.short): \(error)", output: "")
            }
        }
    }

    /// Builds a local directory (for `deploy --dir`): copies it (without `.git`) and runs `command` there once.
    public func build(directory: URL, command: String?) async throws(BuildError) -> Build {
        let digest: String
        do {
            digest = try DirectoryDigest.digest(of: directory)
        } catch {
            throw BuildError(message: "cannot read '\(directory.path)': \(error)", output: "")
        }
        let id = Self.buildID(source: "directory \(digest)", command: command)
        return try await make(id: id, source: directory.path, command: command, sourceVersion: nil) { (target) throws(BuildError) in
            do {
                try FileManager.default.copyItem(at: directory, to: target)
                try? FileManager.default.removeItem(at: target.appendingPathComponent(".git"))
            } catch {
                throw BuildError(message: "cannot copy '\(directory.path)': \(error.localizedDescription)", output: "")
            }
        }
    }

    /// Every build id present.
    public func buildIDs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix("tmp-") && !$0.hasSuffix(".log") }.sorted()
    }

    /// Removes every build not in `keeping` (and any scratch directory left by an interrupted build).
    @discardableResult
    public func collectGarbage(keeping: Set<String>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var removed: [String] = []
        for name in names {
            let id = name.hasSuffix(".log") ? String(name.dropLast(4)) : name
            guard name.hasPrefix("tmp-") || !keeping.contains(id) else { continue }
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
            if !name.hasSuffix(".log") { removed.append(name) }
        }
        return removed.sorted()
    }

    static func buildID(source: String, command: String?) -> String {
        let digest = SHA256.hash(data: Data("\(source)\nbuild \(command ?? "-")\n".utf8))
        return digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    private func make(id: String, source: String, command: String?, sourceVersion: String?,
                      fill: (URL) async throws(BuildError) -> Void) async throws(BuildError) -> Build {
        let final = root.appendingPathComponent(id)
        let build = Build(id: id, directory: final.path, source: source)
        if FileManager.default.fileExists(atPath: final.path) { return build }

        let scratch = root.appendingPathComponent("tmp-\(UUID().uuidString)")
        let tree = scratch.appendingPathComponent("app")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw BuildError(message: "cannot create '\(scratch.path)': \(error.localizedDescription)", output: "")
        }
        var succeeded = false
        defer { if !succeeded { try? FileManager.default.removeItem(at: scratch) } }
        try await fill(tree)
        let log = root.appendingPathComponent("\(id).log")
        if let command, !command.trimmingCharacters(in: .whitespaces).isEmpty {
            try await runBuildCommand(command, in: tree, home: scratch, log: log, sourceVersion: sourceVersion)
        }
        do {
            try FileManager.default.moveItem(at: tree, to: final)
        } catch {
            // Another build of the same inputs won the race; its result is identical.
            if FileManager.default.fileExists(atPath: final.path) { return build }
            throw BuildError(message: "cannot store build \(id): \(error.localizedDescription)", output: "")
        }
        try? FileManager.default.removeItem(at: scratch)
        succeeded = true
        return build
    }

    private func runBuildCommand(_ command: String, in tree: URL, home: URL, log: URL, sourceVersion: String?) async throws(BuildError) {
        var environment = [
            "PATH": launcher.isSandboxed ? SandboxEnvironment.defaultPath
                : ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home.path, "TMPDIR": home.path, "LANG": "C.UTF-8",
        ]
        if let sourceVersion { environment["SOURCE_VERSION"] = sourceVersion }
        try? FileManager.default.removeItem(at: log)
        let termination: Termination
        do {
            let policy = try sandboxPolicy(tree: tree, scratch: home)
            let group = try ProcessGroup(terminationGrace: .seconds(5))
            let spec = try launcher.process(command: command, environment: environment, policy: policy, outputPath: log.path)
            let limit = timeout
            termination = try await withThrowingTaskGroup(of: Termination?.self) { tasks in
                tasks.addTask { try await group.run(spec) }
                tasks.addTask { try await Task.sleep(for: limit); return nil }
                let first = try await tasks.next() ?? nil
                tasks.cancelAll()
                await group.terminate()
                return first ?? .signaled(SIGKILL)
            }
        } catch {
            throw BuildError(message: "cannot run the build command: \(error)", output: "")
        }
        guard termination.succeeded else {
            throw BuildError(message: "build command `\(command)` failed (\(termination))", output: OutputTail.read(log.path))
        }
        // The slug is shared by every app it is promoted to: it goes back to root, read-only to them all.
        if launcher.isSandboxed {
            do {
                try TreeOwnership.give(tree.path, to: .root)
            } catch {
                throw BuildError(message: "cannot seal the build: \(error.message)", output: "")
            }
        }
    }

    /// Sandboxed: a fresh uid owns the tree and a private `HOME` and `/tmp` for the build command's run.
    private func sandboxPolicy(tree: URL, scratch: URL) throws(SandboxError) -> SandboxPolicy {
        guard let setup = launcher.setup else {
            return SandboxPolicy(identity: SandboxIdentity(uid: 65534), tree: .directory(tree.path, writable: true))
        }
        let identity = setup.identities.transient()
        let home = scratch.appendingPathComponent("home").path
        let temporary = scratch.appendingPathComponent("tmp").path
        try TreeOwnership.makeDirectories([home, temporary], for: identity)
        try TreeOwnership.give(tree.path, to: identity)
        return SandboxPolicy(identity: identity, tree: .directory(tree.path, writable: true), home: home,
                             temporary: temporary, hidden: hidden, network: .shared)
    }
}

/// The last lines of a log file, for error messages.
enum OutputTail {
    static func read(_ path: String, lines: Int = 20) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        let text = String(decoding: data.suffix(16 * 1024), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
