import Foundation
import Processes
import Sandbox
#if canImport(Glibc)
import Glibc
#endif

/// Makes the workers' workspaces for one run, under the run directory.
struct WorkspaceFactory: Sendable {
    /// Top-level entries never copied into a workspace: version control data (Heroku CI has none either) and
    /// Slipway's own state.
    static let excludedEntries: Set<String> = [".git", ".slipway"]

    let source: String
    let runDirectory: String
    let useOverlay: Bool
    let sandbox: TestSandbox
    /// The run's own uid when sandboxed (every worker of a run shares it; runs and apps never do).
    let identity: SandboxIdentity?
    let network: SandboxNetwork
    let limits: ResourceLimits?
    let cells = LimitCells()

    var strategyName: String { useOverlay ? "overlay" : "copy" }

    /// Chooses the strategy: `overlay` is used when asked for or automatic and a trial mount works. Under the
    /// sandbox a tree the run does not own (a person's directory) is always copied, because the overlay's lower
    /// layer must belong to the run's uid for the commands to change files in it.
    static func make(source: String, runDirectory: String, strategy: WorkspaceStrategy, sandbox: TestSandbox = .unsandboxed,
                     network: SandboxNetwork = .shared) async throws(TestRunError) -> WorkspaceFactory {
        var identity: SandboxIdentity?
        var limits: ResourceLimits?
        if let setup = sandbox.launcher.setup {
            let run = setup.identities.transient()
            identity = run
            limits = setup.limitMechanism == .unavailable ? nil : ResourceLimits.testWorker(size: nil)
            if sandbox.ownsSource {
                do {
                    try TreeOwnership.give(source, to: run)
                } catch {
                    throw TestRunError(.workspace, "cannot give the tree under test to the run's sandbox user: \(error.message)")
                }
            }
        }
        let overlayAllowed = identity == nil || sandbox.ownsSource
        func factory(overlay: Bool) -> WorkspaceFactory {
            WorkspaceFactory(source: source, runDirectory: runDirectory, useOverlay: overlay, sandbox: sandbox,
                             identity: identity, network: network, limits: limits)
        }
        switch strategy {
        case .copy:
            return factory(overlay: false)
        case .overlay, .automatic:
            let works = overlayAllowed ? await OverlayProbe.works(source: source, scratch: runDirectory) : false
            if !works && strategy == .overlay {
                throw TestRunError(.workspace, overlayAllowed
                    ? "overlay workspaces are not available here (they need root, util-linux unshare and mount, and "
                        + "overlayfs on the scratch directory); use --workspace copy"
                    : "overlay workspaces of a directory Slipway does not own cannot be sandboxed; use --workspace copy")
            }
            return factory(overlay: works)
        }
    }

    /// The same run's factory (uid, tree, overlay choice, limits) making its workspaces under `runDirectory`, with limit
    /// cells of its own: a remote worker's slot of a run whose tree its other slots share (`RunWorkspaces`).
    func relocated(to runDirectory: String) -> WorkspaceFactory {
        WorkspaceFactory(source: source, runDirectory: runDirectory, useOverlay: useOverlay, sandbox: sandbox,
                         identity: identity, network: network, limits: limits)
    }

    func make(worker: Int) throws(TestRunError) -> Workspace {
        let base = runDirectory + "/worker-\(worker)"
        let home = base + "/home"
        let temporary = base + "/tmp"
        let logs = base + "/logs"
        let reports = base + "/reports"
        let root = base + "/app"
        do throws(SandboxError) {
            try TreeOwnership.makeDirectories([base, logs], for: nil)
            // What the sandbox writes belongs to its uid; the logs are written by Slipway.
            try TreeOwnership.makeDirectories([home, temporary, reports], for: identity)
        } catch {
            throw TestRunError(.workspace, "cannot create worker \(worker)'s directories under \(base): \(error.message)",
                               worker: worker)
        }
        let tree: SandboxTree
        let writableRoot: String
        if useOverlay {
            let layers = OverlayLayers(lower: source, upper: base + "/upper", work: base + "/overlay-work", mountPoint: root)
            for directory in [root, layers.upper, layers.work] where mkdir(directory, 0o755) != 0 {
                throw TestRunError(.workspace, "cannot create \(directory): \(String(cString: strerror(errno)))",
                                   worker: worker)
            }
            if let identity {
                do {
                    try TreeOwnership.makeDirectories([layers.upper, layers.work], for: identity)
                } catch {
                    throw TestRunError(.workspace, error.message, worker: worker)
                }
            }
            tree = .overlay(layers)
            writableRoot = layers.upper
        } else {
            try TreeCopier.copy(from: source, to: root, excluding: Self.excludedEntries)
            if let identity {
                do {
                    try TreeOwnership.give(root, to: identity)
                } catch {
                    throw TestRunError(.workspace, error.message, worker: worker)
                }
            }
            tree = .directory(root, writable: true)
            writableRoot = root
        }
        var cell: LimitCell?
        if let setup = sandbox.launcher.setup, let limits {
            do {
                cell = try LimitCell.make("run-\(getpid())-\(URL(fileURLWithPath: runDirectory).lastPathComponent)-w\(worker)",
                                          limits: limits, mechanism: setup.limitMechanism)
            } catch {
                throw TestRunError(.workspace, "cannot limit worker \(worker): \(error.message)", worker: worker)
            }
            if let cell { cells.add(cell) }
        }
        let policy = SandboxPolicy(identity: identity ?? SandboxIdentity(uid: 65534), tree: tree, home: home,
                                   temporary: temporary, writable: [reports], hidden: sandbox.hidden, network: network,
                                   limits: cell)
        return Workspace(root: root, writableRoot: writableRoot, home: home, temporary: temporary, logs: logs,
                         reports: reports, launcher: sandbox.launcher, policy: policy)
    }
}

/// Finds out once whether overlay workspaces work here, by mounting one (through the unsandboxed launcher:
/// the probe runs no repository code).
enum OverlayProbe {
    static func works(source: String, scratch: String) async -> Bool {
        guard geteuid() == 0 else { return false }
        // overlayfs takes its layers as a comma/colon-separated option string.
        let unsafe = CharacterSet(charactersIn: ",:\\\"'")
        guard source.rangeOfCharacter(from: unsafe) == nil, scratch.rangeOfCharacter(from: unsafe) == nil else {
            return false
        }
        let probe = scratch + "/overlay-probe"
        defer { try? FileManager.default.removeItem(atPath: probe) }
        do {
            for name in ["lower", "upper", "work", "merged"] {
                try FileManager.default.createDirectory(atPath: probe + "/" + name, withIntermediateDirectories: true)
            }
            _ = FileManager.default.createFile(atPath: probe + "/lower/seen", contents: Data())
            let layers = OverlayLayers(lower: probe + "/lower", upper: probe + "/upper", work: probe + "/work",
                                       mountPoint: probe + "/merged")
            let policy = SandboxPolicy(identity: SandboxIdentity(uid: 65534), tree: .overlay(layers))
            let spec = try SandboxLauncher.unsandboxed.process(command: "test -f seen && echo ok > written",
                                                                environment: ["PATH": "/usr/bin:/bin"], policy: policy,
                                                                outputPath: probe + "/log")
            let group = try ProcessGroup(terminationGrace: .milliseconds(100))
            let termination = try await group.run(spec)
            await group.terminate()
            return termination.succeeded && FileManager.default.fileExists(atPath: probe + "/upper/written")
                && !FileManager.default.fileExists(atPath: probe + "/lower/written")
        } catch {
            return false
        }
    }
}
