import Foundation
import Orchestration
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// `kill -9` of a real `slipway serve` while a deploy is in flight (its release phase is sleeping), then a
/// new `serve` on the same data dir: the deploy's operation is failed with a reason, its release is failed
/// rather than pending, the previous release's dynos serve again, and no process of the killed instance
/// (dynos, the release phase, a child the release phase put in the background) is left.
@Suite
struct ServeCrashMidDeployTests {
    @Test func killedMidDeployIsConsistentAfterRestartWithNoOrphans() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let arguments = ["serve", "--data-dir", directory.url.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)"]
        let server = "http://127.0.0.1:\(apiPort)"
        let client = ["--server", server, "--data-dir", directory.url.path]
        let sources = directory.url.appendingPathComponent("sources")
        var survivors: [ProcessIdentity] = []
        defer { for process in survivors where process.isAlive { kill(process.pid, SIGKILL) } }

        // The first instance: v1 deployed and serving, then v2's release phase hangs.
        let first = StartedProcess()
        let firstServing = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(120), started: first) }
        try await waitUntilServing(server)
        #expect(try await SlipwayBinary.run(["apps", "create", "shop"] + client).status == 0)
        let stable = try DeployTests.fixture(in: sources, body: "stable v1")
        let v1 = try await SlipwayBinary.run(["deploy", "--app", "shop", "--dir", stable.path] + client)
        #expect(v1.status == 0, "\(v1.stderr)")
        #expect(try await eventually { try await DeployTests.fetch(port: routerPort, host: "shop.localhost") == "stable v1" })

        let hanging = try DeployTests.fixture(in: sources, body: "never served")
        // The release phase and a child it leaves in the background: two `sleep 300` under serve. They are found
        // by the process tree, not by pid files: in the sandbox they can write nothing outside their layer, and
        // their own pids are those of their PID namespace.
        let procfile = hanging.appendingPathComponent("Procfile")
        try (try String(contentsOf: procfile, encoding: .utf8) + "release: sleep 300 & exec sleep 300\n")
            .write(to: procfile, atomically: true, encoding: .utf8)
        let inFlight = Task { try await SlipwayBinary.run(["deploy", "--app", "shop", "--dir", hanging.path] + client, timeout: .seconds(120)) }
        let servePID = try #require(first.pid)
        #expect(try await eventually { ProcessIdentity.descendants(of: servePID).filter { $0.command == "sleep" }.count >= 2 },
                "the release phase never started")

        // Everything the first instance started, by pid and start time (a pid reused later is not it).
        survivors = ProcessIdentity.descendants(of: servePID)
        #expect(survivors.filter { $0.command == "sleep" }.count == 2, "the release phase is not a descendant of serve")
        #expect(survivors.count >= 4, "expected keepers, the dyno and the release phase: \(survivors)")

        kill(servePID, SIGKILL)
        #expect(try await firstServing.value.status != 0)
        let interruptedClient = try await inFlight.value
        #expect(interruptedClient.status != 0, "the deploy's client saw the service die: \(interruptedClient.stderr)")

        // The second instance on the same data dir.
        let second = StartedProcess()
        let secondServing = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(120), started: second) }
        try await waitUntilServing(server)

        #expect(try await eventually { survivors.allSatisfy { !$0.isAlive } },
                "processes of the killed instance survived: \(survivors.filter(\.isAlive))")

        let releases = try #require(try await SlipwayBinary.run(["releases", "--app", "shop", "--json"] + client).json() as? [[String: Any]])
        #expect(releases.map { $0["version"] as? Int } == [2, 1])
        #expect(releases.map { $0["state"] as? String } == ["failed", "succeeded"], "\(releases)")
        #expect(releases.first?["finished_at"] is String)

        // v1 serves again, from dynos of the new instance.
        #expect(try await eventually { try await DeployTests.fetch(port: routerPort, host: "shop.localhost") == "stable v1" })
        let ps = try #require(try await SlipwayBinary.run(["ps", "--app", "shop", "--json"] + client).json() as? [[String: Any]])
        #expect(ps.map { $0["name"] as? String } == ["web.1"])
        #expect(ps.map { $0["release"] as? Int } == [1])
        #expect(ps.first?["state"] as? String == "up")
        let secondPID = try #require(second.pid)
        #expect(!ProcessIdentity.descendants(of: secondPID).isEmpty, "the new instance runs the dyno itself")

        kill(secondPID, SIGTERM)
        let stopped = try await secondServing.value
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stdout.contains("recovered from an interrupted run"), "\(stopped.stdout)")

        // What the store says, read after the second instance stopped.
        let store = try directory.openStore()
        let operations = try await store.operations(state: nil, limit: nil)
        #expect(!operations.contains { $0.state == .running })
        let deploys = operations.filter { $0.kind == "deploy" }.sorted { $0.id < $1.id }
        #expect(deploys.map(\.state) == [.succeeded, .failed])
        #expect(deploys.last?.reason == StartupRecovery.reason)
        #expect(try await store.release(app: ResourceName("shop"), version: 2).state == .failed)
        #expect(try await store.currentRelease(app: ResourceName("shop"))?.version == 1)
        #expect(try await store.dynos(inStates: [.starting, .up, .crashed]).isEmpty, "a graceful stop leaves no live dyno record")
        try await store.close()
    }

}

/// A process as /proc shows it: its pid and its start time (clock ticks after boot), so a pid the kernel
/// hands to a new process later is not mistaken for it.
struct ProcessIdentity: Sendable, CustomStringConvertible {
    var pid: Int32
    var startTime: UInt64
    var command: String

    var description: String { "\(pid) \(command)" }

    /// Whether this very process still runs (a zombie waiting to be reaped does not count).
    var isAlive: Bool {
        guard let current = Self.read(pid) else { return false }
        return current.startTime == startTime && current.state != "Z"
    }

    /// Every live descendant of `root`, found by walking parent ids over all of /proc.
    static func descendants(of root: Int32) -> [ProcessIdentity] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var children: [Int32: [Int32]] = [:]
        var identities: [Int32: ProcessIdentity] = [:]
        for entry in entries {
            guard let pid = Int32(entry), let stat = read(pid), stat.state != "Z" else { continue }
            children[stat.parent, default: []].append(pid)
            identities[pid] = ProcessIdentity(pid: pid, startTime: stat.startTime, command: stat.command)
        }
        var found: [ProcessIdentity] = []
        var queue = children[root] ?? []
        while let pid = queue.popLast() {
            if let identity = identities[pid] { found.append(identity) }
            queue += children[pid] ?? []
        }
        return found
    }

    /// State, parent and start time from /proc/<pid>/stat (fields after the command's parentheses).
    private static func read(_ pid: Int32) -> (state: String, parent: Int32, startTime: UInt64, command: String)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let parent = Int32(fields[1]), let start = UInt64(fields[19]) else { return nil }
        return (String(fields[0]), parent, start, String(stat[stat.index(after: open)..<close]))
    }
}
