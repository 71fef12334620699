import Crypto
import Foundation
import GitKit
import Manifest
import Processes
import Sandbox
import SlipwayModel

/// A build that could not be made; `output` is the tail of the build command's output.
public struct BuildError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var output: String
    public var description: String { output.isEmpty ? message : "\(message)\n\(output)" }
}

/// The content-addressed build directories under `<data-dir>/builds/`.
///
/// A build is made in a scratch directory: the source is exported (or copied), the detected language
/// builders run (`Platform/Build`: Python, Node.js), then the app's `slipway.build`; only when every step
/// succeeded is the tree renamed into place, so `builds/<id>` always holds a complete build and a second
/// request for the same inputs reuses it (promotion never rebuilds). The id covers the source tree, the build
/// command, the context (app or test) and the machine's language runtimes. Each build's output goes to
/// `builds/<id>.log` while it runs. `collectGarbage` removes builds no release refers to.
public actor BuildStore {
    public nonisolated let root: URL
    /// Where every build step is spawned (the sandbox wraps it).
    public var shell: BuildShell
    /// The dependency layers builds restore instead of installing again; nil disables caching.
    public nonisolated let cache: DependencyCache?
    /// How build steps are started (sandboxed: a fresh uid per build, the tree at `/app`, network shared).
    public nonisolated let launcher: SandboxLauncher
    /// Host paths build steps never see (the data dir).
    public nonisolated let hidden: [String]
    /// Registry settings passed from Slipway's environment to the build steps (an index mirror, a pip cache).
    public static let passedVariables = ["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CACHE_DIR",
                                         "PIP_NO_INDEX", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "SSL_CERT_FILE",
                                         "REQUESTS_CA_BUNDLE", "npm_config_cache", "npm_config_registry",
                                         "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"]
    private var toolchain: Toolchain?
    /// A build running now: when it started and for whom (`label`: the app, or "test run" for a test build).
    public struct Running: Sendable, Equatable {
        public var startedAt: Date
        public var label: String
    }
    private var running: [String: Running] = [:]

    /// `cacheRoot` defaults to `build-cache` next to `root`.
    public init(root: URL, timeout: Duration = .seconds(15 * 60), cacheRoot: URL? = nil,
                cacheLimitBytes: Int = 4 * 1024 * 1024 * 1024, launcher: SandboxLauncher = .unsandboxed,
                hidden: [String] = []) {
        self.root = root
        self.shell = BuildShell(timeout: timeout)
        self.cache = DependencyCache(root: cacheRoot ?? root.deletingLastPathComponent().appendingPathComponent("build-cache"),
                                     limitBytes: cacheLimitBytes)
        self.launcher = launcher
        self.hidden = hidden
    }

    /// Longest one build step may run.
    public var timeout: Duration {
        get { shell.timeout }
        set { shell.timeout = newValue }
    }

    /// Builds a commit: exports its tree through libgit2 and builds it once per context. `cacheScope` names the
    /// dependency cache's namespace (the pipeline).
    public func build(commit: ObjectID, in repository: Repository, command: String?, context: BuildContext = .app,
                      cacheScope: String = "default", label: String = "") async throws(BuildError) -> Build {
        let tree: ObjectID
        do {
            tree = try await repository.commit(commit).tree
        } catch {
            throw BuildError(message: "cannot build \(commit.short): \(error.message)", output: "")
        }
        let id = Self.buildID(source: "tree \(tree.hex)", command: command, context: context,
                              toolchain: try await currentToolchain())
        let request = Request(id: id, source: .commit(commit.hex), shownSource: commit.hex, command: command, sourceVersion: commit.hex, context: context,
                              cacheScope: cacheScope, label: label)
        return try await make(request) { (target) throws(BuildError) in
            do {
                try await repository.exportTree(of: commit, to: target.path)
            } catch {
                throw BuildError(message: "cannot export \(commit.short): \(error)", output: "")
            }
        }
    }

    /// Builds a local directory (for `deploy --dir`): copies it (without `.git`) and builds it once.
    public func build(directory: URL, command: String?, context: BuildContext = .app,
                      cacheScope: String = "default", label: String = "") async throws(BuildError) -> Build {
        let digest: String
        do {
            digest = try DirectoryDigest.digest(of: directory)
        } catch {
            throw BuildError(message: "cannot read '\(directory.path)': \(error)", output: "")
        }
        let id = Self.buildID(source: "directory \(digest)", command: command, context: context,
                              toolchain: try await currentToolchain())
        let request = Request(id: id, source: .directory(digest: digest), shownSource: directory.path, command: command, sourceVersion: nil, context: context,
                              cacheScope: cacheScope, label: label)
        return try await make(request) { (target) throws(BuildError) in
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

    /// The builds running now, by id.
    public func runningBuilds() -> [String: Running] { running }

    public func isRunning(_ id: String) -> Bool { running[id] != nil }

    /// The build's log file (written while it runs, kept after).
    public func logFile(of id: String) -> URL { root.appendingPathComponent("\(id).log") }

    /// The last lines of a build's output.
    public func outputTail(of id: String, lines: Int = 20) -> String { OutputTail.read(logFile(of: id).path, lines: lines) }

    /// Removes build directories (and their logs) except those in `keeping` and those touched since `cutoff`
    /// (nil: no age limit); those in `alwaysRemoving` go whatever their age. A build being made is never
    /// removed. Returns the ids of the builds removed.
    public func collectGarbage(keeping: Set<String>, untouchedSince cutoff: Date? = nil,
                               alwaysRemoving: Set<String> = []) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var removed: [String] = []
        for name in names {
            let id = name.hasSuffix(".log") ? String(name.dropLast(4)) : name
            let url = root.appendingPathComponent(name)
            guard running[id] == nil else { continue }
            if !alwaysRemoving.contains(id) {
                guard !keeping.contains(id) else { continue }
                if let cutoff, let touched = Self.modificationDate(of: url), touched > cutoff { continue }
            }
            try? FileManager.default.removeItem(at: url)
            if !name.hasSuffix(".log") && !name.hasPrefix("tmp-") { removed.append(name) }
        }
        return removed.sorted()
    }

    private static func modificationDate(of url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    static func buildID(source: String, command: String?, context: BuildContext, toolchain: Toolchain) -> String {
        let digest = SHA256.hash(data: Data("\(source)\nbuild \(command ?? "-")\ncontext \(context.rawValue)\n\(toolchain.fingerprint)\n".utf8))
        return digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The machine's Python and Node, probed once.
    public func currentToolchain() async throws(BuildError) -> Toolchain {
        if let toolchain { return toolchain }
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let probed = try await Toolchain.probe(shell: shell, environment: baseEnvironment(home: root), scratch: root)
        toolchain = probed
        return probed
    }

    private struct Request {
        var id: String
        var source: BuildSource
        /// What the build output's first line names: the commit, or the directory's path.
        var shownSource: String
        var command: String?
        var sourceVersion: String?
        var context: BuildContext
        var cacheScope: String
        var label: String
    }

    private func make(_ request: Request, fill: (URL) async throws(BuildError) -> Void) async throws(BuildError) -> Build {
        let final = root.appendingPathComponent(request.id)
        let build = Build(id: request.id, source: request.source, directory: final.path, state: .succeeded)
        // The same build requested twice at once (a review app and staging): the second waits for the first.
        while running[request.id] != nil {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if FileManager.default.fileExists(atPath: final.path) {
            // Reused: touched, so housekeeping sees it as in use.
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: final.path)
            return build
        }
        running[request.id] = Running(startedAt: Date(), label: request.label)
        defer { running[request.id] = nil }

        let scratch = root.appendingPathComponent("tmp-\(UUID().uuidString)")
        let tree = scratch.appendingPathComponent("app")
        let home = scratch.appendingPathComponent("home")
        do {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        } catch {
            throw BuildError(message: "cannot create '\(scratch.path)': \(error.localizedDescription)", output: "")
        }
        var succeeded = false
        defer { if !succeeded { try? FileManager.default.removeItem(at: scratch) } }
        let log = logFile(of: request.id)
        try? FileManager.default.removeItem(at: log)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        do throws(BuildError) {
            let started = ContinuousClock.now
            try await fill(tree)
            try await runBuilders(request, tree: tree, home: home, log: log, final: final, started: started)
        } catch {
            let session = BuildSession(tree: tree, home: home, log: log, shell: shell, context: request.context, cache: nil,
                                       cacheScope: request.cacheScope, baseEnvironment: [:])
            session.append(" !     \(error.message)\n")
            throw BuildError(message: error.message, output: error.output.isEmpty ? OutputTail.read(log.path, lines: 20) : error.output)
        }
        do {
            try FileManager.default.moveItem(at: tree, to: final)
        } catch {
            // Another build of the same inputs won the race; its result is identical.
            if FileManager.default.fileExists(atPath: final.path) {
            // Reused: touched, so housekeeping sees it as in use.
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: final.path)
            return build
        }
            throw BuildError(message: "cannot store build \(request.id): \(error.localizedDescription)", output: "")
        }
        try? FileManager.default.removeItem(at: scratch)
        succeeded = true
        return build
    }

    /// The detected builders, then `slipway.build`, then the metadata for the slug's processes; finally the
    /// paths baked into the tree are rewritten to where it will run (its final directory, or `/app` in the
    /// sandbox, where nothing changes).
    private func runBuilders(_ request: Request, tree: URL, home: URL, log: URL, final: URL,
                             started: ContinuousClock.Instant) async throws(BuildError) {
        let toolchain = try await currentToolchain()
        let shell = try shell(forBuildIn: home.deletingLastPathComponent())
        let session = BuildSession(tree: tree, home: home, log: log, shell: shell, context: request.context, cache: cache,
                                   cacheScope: request.cacheScope, baseEnvironment: baseEnvironment(home: home, sourceVersion: request.sourceVersion))
        session.step("Building \(request.shownSource.prefix(12)) (\(request.context.rawValue) build \(request.id))")
        let manifest = ManifestLoader.load(directory: tree)
        let languages = try LanguageDetector.languages(in: tree, buildpacks: manifest.appJSON?.buildpacks ?? [])
        if languages.isEmpty { session.note("no Python or Node.js app detected: no dependencies to install") }
        for language in languages {
            switch language {
            case .python: try await PythonBuilder(session: session, toolchain: toolchain, appJSON: manifest.appJSON).build()
            case .node: try await NodeBuilder(session: session, toolchain: toolchain).build()
            }
        }
        if let command = request.command, !command.trimmingCharacters(in: .whitespaces).isEmpty {
            session.step("Running slipway.build: \(command)")
            try await session.run(command, failure: "the build command (app.json slipway.build) failed")
        }
        if !languages.isEmpty {
            try BuildMetadata(languages: languages.map(\.rawValue), pathEntries: session.pathEntries,
                              variables: session.variables, defaultProcessTypes: session.defaultProcessTypes).write(to: tree)
        }
        for directory in session.relocatableDirectories {
            try PathRelocation.relocate(files: tree.appendingPathComponent(directory), from: session.treePath,
                                        to: shell.treePath(final))
        }
        if shell.confinement != nil {
            // The slug is shared by every app it is promoted to: it goes back to root, read-only to them all.
            do {
                try TreeOwnership.give(tree.path, to: .root)
            } catch {
                throw BuildError(message: "cannot seal the build: \(error.message)", output: "")
            }
        }
        session.step("Build \(request.id) succeeded in \(BuildSession.seconds(since: started))")
    }

    private func baseEnvironment(home: URL, sourceVersion: String? = nil) -> [String: String] {
        let process = ProcessInfo.processInfo.environment
        var environment = [
            "PATH": launcher.isSandboxed ? SandboxEnvironment.defaultPath : process["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home.path, "TMPDIR": home.path, "LANG": "C.UTF-8",
        ]
        for name in Self.passedVariables { if let value = process[name] { environment[name] = value } }
        if let sourceVersion { environment["SOURCE_VERSION"] = sourceVersion }
        return environment
    }

    /// The shell this build's steps run in: sandboxed, a fresh uid that owns the tree for the build's steps
    /// (see `BuildShell.Confinement`), a private `HOME` and `/tmp`, the tree at `/app`.
    private func shell(forBuildIn scratch: URL) throws(BuildError) -> BuildShell {
        guard let setup = launcher.setup else { return shell }
        let identity = setup.identities.transient()
        let home = scratch.appendingPathComponent("sandbox-home").path
        let temporary = scratch.appendingPathComponent("sandbox-tmp").path
        do {
            try TreeOwnership.makeDirectories([home, temporary], for: identity)
        } catch {
            throw BuildError(message: "cannot prepare the build's sandbox: \(error.message)", output: "")
        }
        var confined = shell
        confined.mountPoint = SandboxPolicy.appPath
        confined.confinement = BuildShell.Confinement(launcher: launcher, identity: identity, home: home,
                                                       temporary: temporary, hidden: hidden)
        return confined
    }
}
