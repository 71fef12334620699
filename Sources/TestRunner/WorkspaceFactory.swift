import Foundation
import Processes
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
    /// Set when the overlay strategy is in use.
    let overlayTools: OverlayTools?

    var strategyName: String { overlayTools == nil ? "copy" : "overlay" }

    /// Chooses the strategy: `overlay` is used when asked for or automatic and a trial mount works.
    static func make(source: String, runDirectory: String, strategy: WorkspaceStrategy) async throws(TestRunError)
        -> WorkspaceFactory {
        switch strategy {
        case .copy:
            return WorkspaceFactory(source: source, runDirectory: runDirectory, overlayTools: nil)
        case .overlay, .automatic:
            let tools = await OverlayProbe.tools(source: source, scratch: runDirectory)
            if tools == nil && strategy == .overlay {
                throw TestRunError(.workspace, "overlay workspaces are not available here (they need root, util-linux "
                                   + "unshare and mount, and overlayfs on the scratch directory); use --workspace copy")
            }
            return WorkspaceFactory(source: source, runDirectory: runDirectory, overlayTools: tools)
        }
    }

    func make(worker: Int) throws(TestRunError) -> Workspace {
        let base = runDirectory + "/worker-\(worker)"
        let home = base + "/home"
        let temporary = base + "/tmp"
        let logs = base + "/logs"
        let reports = base + "/reports"
        let root = base + "/app"
        do {
            for directory in [home, temporary, logs, reports] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw TestRunError(.workspace, "cannot create worker \(worker)'s directories under \(base): "
                               + error.localizedDescription, worker: worker)
        }
        if let overlayTools {
            let upper = base + "/upper"
            let work = base + "/overlay-work"
            for directory in [root, upper, work] where mkdir(directory, 0o755) != 0 {
                throw TestRunError(.workspace, "cannot create \(directory): \(String(cString: strerror(errno)))",
                                   worker: worker)
            }
            let overlay = OverlayMount(lower: source, upper: upper, work: work, tools: overlayTools)
            return Workspace(root: root, writableRoot: upper, home: home, temporary: temporary, logs: logs,
                             reports: reports, overlay: overlay)
        }
        try TreeCopier.copy(from: source, to: root, excluding: Self.excludedEntries)
        return Workspace(root: root, writableRoot: root, home: home, temporary: temporary, logs: logs,
                         reports: reports, overlay: nil)
    }
}

/// Finds out once whether overlay workspaces work here, by mounting one.
enum OverlayProbe {
    static func tools(source: String, scratch: String) async -> OverlayTools? {
        guard geteuid() == 0 else { return nil }
        // overlayfs takes its layers as a comma/colon-separated option string.
        let unsafe = CharacterSet(charactersIn: ",:\\\"")
        guard source.rangeOfCharacter(from: unsafe) == nil, scratch.rangeOfCharacter(from: unsafe) == nil else {
            return nil
        }
        let candidates = ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"]
        func find(_ name: String) -> String? {
            candidates.map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let unshare = find("unshare"), let mount = find("mount") else { return nil }
        let tools = OverlayTools(unshare: unshare, mount: mount)
        let probe = scratch + "/overlay-probe"
        defer { try? FileManager.default.removeItem(atPath: probe) }
        do {
            for name in ["lower", "upper", "work", "merged"] {
                try FileManager.default.createDirectory(atPath: probe + "/" + name, withIntermediateDirectories: true)
            }
            _ = FileManager.default.createFile(atPath: probe + "/lower/seen", contents: Data())
            let mount = OverlayMount(lower: probe + "/lower", upper: probe + "/upper", work: probe + "/work",
                                     tools: tools)
            let spec = mount.process(for: "test -f seen && echo ok > written", mountPoint: probe + "/merged",
                                     environment: ["PATH": "/usr/bin:/bin"], outputPath: probe + "/log")
            let group = try ProcessGroup(terminationGrace: .milliseconds(100))
            let termination = try await group.run(spec)
            await group.terminate()
            guard termination.succeeded, FileManager.default.fileExists(atPath: probe + "/upper/written"),
                  !FileManager.default.fileExists(atPath: probe + "/lower/written") else { return nil }
            return tools
        } catch {
            return nil
        }
    }
}
