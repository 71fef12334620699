import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Sandbox
@testable import TestRunner
import Testing

/// What a remote worker's slots of one run share (`RunWorkspaces`): under the real sandbox, one copy of the cached
/// tree given to one uid per run, overlays on it per slot, and each slot's workspace under its own lease directory.
@Suite("A worker's slots of one run share its tree")
struct RunWorkspacesTests {
    static func slot(run: String, lease: String, index: Int) -> LeasedSlot {
        LeasedSlot(lease: lease, run: run, slot: index, total: 2, tree: "tree", setupCommand: nil, testCommand: "true",
                   environment: [:], extraEnvironment: [:], knownFiles: [], estimates: [:], junitPattern: nil,
                   sandboxNetwork: "shared", branch: "main", commit: "c", heartbeatSeconds: 5)
    }

    static func owner(_ path: String) -> uid_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_uid : nil
    }

    @Test func slotsOfOneRunShareOneOwnedTreeAndUidAndTheLastRemovesIt() async throws {
        try #require(geteuid() == 0, "the sandbox's uids and overlays need root")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("run-workspaces-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tree = root.appendingPathComponent("trees/tree")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try "print('hi')\n".write(to: tree.appendingPathComponent("app.py"), atomically: true, encoding: .utf8)
        try "true\n".write(to: tree.appendingPathComponent("tests/a.sh"), atomically: true, encoding: .utf8)
        let setup = try SandboxSetup.prepare(stateDirectory: root.appendingPathComponent("sandbox").path)
        let workspaces = RunWorkspaces(scratch: root.appendingPathComponent("runs"),
                                       sandbox: TestSandbox(launcher: SandboxLauncher(.sandboxed(setup))))

        let first = try await workspaces.factory(for: Self.slot(run: "r1", lease: "lease-1", index: 0), tree: tree, network: .shared)
        let second = try await workspaces.factory(for: Self.slot(run: "r1", lease: "lease-2", index: 1), tree: tree, network: .shared)
        let other = try await workspaces.factory(for: Self.slot(run: "r2", lease: "lease-3", index: 0), tree: tree, network: .shared)

        let uid = try #require(first.identity?.uid)
        #expect(second.identity?.uid == uid && other.identity?.uid != uid, "one uid per run")
        #expect(first.source == second.source && first.source != other.source, "one tree per run")
        #expect(first.source != tree.path, "the cached tree is never a run's lower layer under the sandbox")
        #expect(Self.owner(first.source + "/app.py") == uid, "the run's copy is its uid's")
        #expect(Self.owner(tree.path + "/app.py") == 0, "the cache stays root's")
        #expect(first.useOverlay && second.useOverlay, "slots get overlays on the shared tree")
        #expect(first.runDirectory.hasSuffix("/lease-1") && second.runDirectory.hasSuffix("/lease-2"))

        // Each slot's workspace is its own, on the run's tree.
        let workspace = try first.make(worker: 0)
        #expect(workspace.root.hasPrefix(first.runDirectory + "/"))

        await workspaces.release(run: "r1")
        #expect(FileManager.default.fileExists(atPath: first.source), "a slot of the run still runs")
        await workspaces.release(run: "r1")
        #expect(!FileManager.default.fileExists(atPath: first.source), "the run's last slot here removes its tree")
        #expect(FileManager.default.fileExists(atPath: other.source))
        await workspaces.release(run: "r2")
        #expect(!FileManager.default.fileExists(atPath: other.source))
    }
}
