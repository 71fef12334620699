import Foundation
import Orchestration
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import GitKit
import Platform
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// `kill -9` of `slipway serve` in the middle of a pull request's test run: the test processes die with it,
/// the next start kills the old review app's dyno, marks the run interrupted, tests the merge again and
/// brings the review app back.
@Suite(.serialized)
struct PullRequestCrashTests {
    @Test func killDuringATestRunLeavesNothingBehind() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        // Slow while this listener accepts: the sandboxed tests see none of this machine's files, but its loopback.
        let slow = try LoopbackListener()
        let originPath = directory.url.appendingPathComponent("origin.git").path
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath, extraTests: [
            // Slow only while the marker exists: the first run is still going when the service is killed.
            .write("tests/t9.sh", "if python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", \(slow.port)), 2)'; "
                   + "then sleep 60; fi\n"),
        ])
        let head = try await origin.commit(parent: base, changes: [.write("version.txt", "crash\n")], message: "pr\n")
        try await origin.setReference("refs/pull/1/head", to: head)

        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let serve = ["serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
                     "--poll-seconds", "0", "--test-workers", "2",
                     // The origin lies beside the data dir, not in it.
                     "--allow-path", directory.url.path]
        let client = ["--server", "http://127.0.0.1:\(apiPort)", "--data-dir", data.path]

        // First instance: the review app deploys while the test run hangs in t9.sh.
        let first = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(120), started: first) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })
        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        #expect(try await SlipwayBinary.run(["pr", "sync"] + client).status == 0)
        #expect(try await eventually {
            let status = try await SlipwayBinary.run(["pr", "status", "1", "--json"] + client).json() as? [String: Any]
            let run = (status?["test_runs"] as? [[String: Any]])?.first
            return run?["state"] as? String == "running" && (status?["review_app"] as? [String: Any])?["state"] as? String == "deployed"
        }, "the test run never ran alongside a deployed review app")
        #expect(try await eventually { !Self.processes(under: data.appendingPathComponent("tmp")).isEmpty }, "no test process found to outlive")
        #expect(!Self.processes(under: data.appendingPathComponent("apps")).isEmpty
                || !Self.processes(under: data.appendingPathComponent("builds")).isEmpty, "no dyno found")

        #expect(first.signal(SIGKILL), "the first serve had already exited")
        _ = try await serving.value
        let store = try SQLiteStore(dataDirectory: data)
        let oldDyno = try #require(try await store.dynos(app: ResourceName("shop-pr-1")).first?.pid)
        try await store.close()
        // The test workers die with the service (their keeper sees its pipe close); the dyno waits for the next start.
        #expect(try await eventually { Self.processes(under: data.appendingPathComponent("tmp")).isEmpty },
                "test processes outlived the killed service: \(Self.processes(under: data.appendingPathComponent("tmp")))")

        // Second instance: the interrupted run is redone (fast now), the review app runs again with a new dyno.
        slow.close()
        let second = StartedProcess()
        let again = Task { try await SlipwayBinary.run(serve, timeout: .seconds(120), started: second) }
        let restarted = try await eventually(within: .seconds(60)) {
            (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0
        }
        guard restarted else {
            // Say why the second instance did not come up (it failed twice in full loaded runs, never alone): its
            // threads' stacks show what holds the API up, its output what it did last.
            let stacks = second.pid.map { Self.threadStacks(of: $0) } ?? ""
            second.signal(SIGKILL)
            let output = try? await again.value
            let said = String((output?.stderr ?? "").suffix(3000))
            let message = "the restarted serve did not answer within 60 s; exit \(output?.status ?? -1):\n\(said)\n"
                + "its threads:\n\(stacks)"
            Issue.record(Comment(rawValue: message))
            return
        }
        #expect(kill(oldDyno, 0) != 0 || StartupRecoveryTests.isZombie(oldDyno), "the old instance's dyno survived the restart")
        #expect(try await SlipwayBinary.run(["pr", "sync", "--wait"] + client, timeout: .seconds(60)).status == 0)
        let status = try #require(try await SlipwayBinary.run(["pr", "status", "1", "--json"] + client).json() as? [String: Any])
        let runs = try #require(status["test_runs"] as? [[String: Any]])
        #expect(runs.map { $0["state"] as? String } == ["succeeded", "error"], "\(runs)")
        #expect((runs.last?["message"] as? String)?.hasPrefix("interrupted:") == true)
        #expect((status["checks"] as? [[String: Any]])?.first?["state"] as? String == "success")
        #expect((status["review_app"] as? [String: Any])?["state"] as? String == "deployed")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("tmp").path)) ?? []
        #expect(leftovers.isEmpty, "the killed run's scratch directory is still there: \(leftovers)")
        #expect(await HTTPProbe.get(port: routerPort, path: "/", host: "pr-1.shop.localhost", timeout: .seconds(5))?.status == 200)

        #expect(second.signal(SIGTERM), "the second serve had already exited")
        #expect(try await again.value.status == 0)
        #expect(try await eventually { Self.processes(under: data).isEmpty }, "processes left after SIGTERM: \(Self.processes(under: data))")
    }

    /// Every thread's stack of a running process, from gdb (its last 20,000 characters), or each thread's kernel
    /// wait channel where gdb is missing.
    static func threadStacks(of pid: Int32) -> String {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") {
            let gdb = Process()
            gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
            gdb.arguments = ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt 30"]
            let output = Pipe()
            gdb.standardOutput = output
            gdb.standardError = output
            if (try? gdb.run()) != nil {
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                gdb.waitUntilExit()
                return String(text.suffix(20_000))
            }
        }
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.sorted().map { thread in
            let channel = (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/wchan", encoding: .utf8)) ?? "?"
            return "thread \(thread): \(channel)"
        }.joined(separator: "\n")
    }

    /// Processes working under `directory` (dynos run in builds, test workers in tmp): their working directory
    /// is there, or, sandboxed, they are the bubblewrap that binds a directory from there at `/app` (the processes
    /// inside live exactly as long as it: they are in its PID namespace).
    static func processes(under directory: URL) -> [Int32] {
        let prefix = directory.resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard !StartupRecoveryTests.isZombie(pid) else { return false }
            if let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"), cwd.hasPrefix(prefix) {
                return true
            }
            guard let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                  command.split(separator: 0).first.map({ String(decoding: $0, as: UTF8.self).hasSuffix("bwrap") }) == true
            else { return false }
            return command.split(separator: 0).contains { String(decoding: $0, as: UTF8.self).hasPrefix(prefix + "/") }
        }
    }
}

/// A TCP listener on a free loopback port, accepting (by the kernel's backlog) until closed.
final class LoopbackListener: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = descriptor
    }

    func close() { _ = Glibc.close(descriptor) }
}
