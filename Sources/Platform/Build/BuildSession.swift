import Foundation
import Processes
import Synchronization

/// One build in progress: its tree, its log, the environment its steps share, and the cache it may use.
/// Builders announce their steps here and run every command through `shell` (so through `BuildShell.run`).
final class BuildSession: Sendable {
    /// The tree being built (the scratch copy; renamed into place when every step succeeded).
    let tree: URL
    /// Scratch space outside the tree: `HOME` and `TMPDIR` of the steps.
    let home: URL
    let log: URL
    let shell: BuildShell
    let context: BuildContext
    let cache: DependencyCache?
    /// The cache's namespace (the pipeline, or the app for a directory deploy).
    let cacheScope: String
    /// Variables every step gets (before the builders' additions).
    private let baseEnvironment: [String: String]
    /// What the builders add for later steps and for the slug's processes.
    private struct Additions {
        /// Directories (relative to the tree) first on `PATH`, first first.
        var pathEntries: [String] = []
        var variables: [String: String] = [:]
        /// Directories (relative to the tree) whose files bake the tree's absolute path (a venv's `bin`),
        /// rewritten when the tree moves to where it runs.
        var relocatableDirectories: [String] = []
        /// Process types used when the Procfile has none of that type (`web: npm start`).
        var defaultProcessTypes: [String: String] = [:]
    }
    private let additions = Mutex(Additions())

    var pathEntries: [String] { additions.withLock { $0.pathEntries } }
    var variables: [String: String] { additions.withLock { $0.variables } }
    var relocatableDirectories: [String] { additions.withLock { $0.relocatableDirectories } }
    var defaultProcessTypes: [String: String] { additions.withLock { $0.defaultProcessTypes } }

    init(tree: URL, home: URL, log: URL, shell: BuildShell, context: BuildContext, cache: DependencyCache?,
         cacheScope: String, baseEnvironment: [String: String]) {
        self.tree = tree
        self.home = home
        self.log = log
        self.shell = shell
        self.context = context
        self.cache = cache
        self.cacheScope = cacheScope
        self.baseEnvironment = baseEnvironment
    }

    /// The path the steps (and later the slug's processes, when sandboxed) see the tree at.
    var treePath: String { shell.treePath(tree) }

    func file(_ name: String) -> URL { tree.appendingPathComponent(name) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

    // MARK: What the builders add

    func prependPath(_ relative: String) {
        additions.withLock { additions in
            additions.pathEntries.removeAll { $0 == relative }
            additions.pathEntries.insert(relative, at: 0)
        }
    }

    func set(_ name: String, _ value: String) { additions.withLock { $0.variables[name] = value } }

    func relocatable(_ directories: [String]) {
        additions.withLock { additions in
            let known = additions.relocatableDirectories
            additions.relocatableDirectories = known + directories.filter { !known.contains($0) }
        }
    }

    func defaultProcess(_ type: String, _ command: String) { additions.withLock { $0.defaultProcessTypes[type] = command } }

    /// The environment of a step: the base, the builders' variables, their `PATH` entries first.
    var environment: [String: String] {
        var environment = baseEnvironment.merging(variables) { $1 }
        let entries = pathEntries.map { treePath + "/" + $0 }
        environment["PATH"] = (entries + [baseEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]).joined(separator: ":")
        return environment
    }

    // MARK: The log

    /// `-----> title`, Heroku's step header.
    func step(_ title: String) { append("-----> \(title)\n") }

    /// An indented detail line under the current step.
    func note(_ text: String) { append("       \(text)\n") }

    func append(_ text: String) {
        guard let handle = FileHandle(forWritingAtPath: log.path) ?? Self.created(log) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(text.utf8))
    }

    private static func created(_ log: URL) -> FileHandle? {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        return FileHandle(forWritingAtPath: log.path)
    }

    /// `1.2 s`, for the log.
    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        return String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    // MARK: Running steps

    /// Runs one step's command in the tree; a failure throws `failure` (what went wrong and what to do) with
    /// the tail of the log.
    func run(_ command: String, extra: [String: String] = [:], failure: @autoclosure () -> String) async throws(BuildError) {
        let termination = try await shell.run(command, environment: environment.merging(extra) { $1 }, in: tree, log: log)
        guard termination.succeeded else {
            throw BuildError(message: "\(failure()) (`\(command)`: \(termination))", output: OutputTail.read(log.path, lines: 20))
        }
    }

    /// Runs a probe (a tool's `--version`) and returns its trimmed output; nil when it failed (tool missing).
    func capture(_ command: String) async throws(BuildError) -> String? {
        try await BuildSession.capture(command, shell: shell, environment: environment, directory: tree, scratch: home)
    }

    static func capture(_ command: String, shell: BuildShell, environment: [String: String], directory: URL,
                        scratch: URL) async throws(BuildError) -> String? {
        let output = scratch.appendingPathComponent("tmp-probe-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let termination = try await shell.run(command, environment: environment, in: directory, log: output)
        guard termination.succeeded, let data = FileManager.default.contents(atPath: output.path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
