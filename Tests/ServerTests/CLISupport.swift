import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import SlipwayTestSupport
import Testing

/// Runs the built `slipway` executable (it sits beside the test bundle) as a client would.
enum SlipwayBinary {
    static var url: URL? { BuiltSlipway.url }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
        }
    }

    /// Runs `slipway arguments…` with exactly `environment` (plus PATH and HOME), waiting without blocking
    /// a thread of the cooperative pool; killed after `timeout`. `host`: inside that test host's network
    /// namespace.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(30),
        started: StartedProcess? = nil,
        on host: TestHostNetwork.Host? = nil
    ) async throws -> Result {
        let binary = try #require(url, "the slipway executable was not built next to the tests")
        let process = Process()
        if let host {
            let command = host.command(binary.path, arguments)
            process.executableURL = URL(fileURLWithPath: command.executable)
            process.arguments = command.arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        var env = environment
        let inherited = ProcessInfo.processInfo.environment
        env["PATH"] = inherited["PATH"]
        env["HOME"] = inherited["HOME"]
        process.environment = env
        // Output goes to files, not pipes: Foundation's pipe readers on Linux trap on EINTR
        // ('try!' in FileHandle), and a file never fills up and blocks the child.
        let capture = try OutputFiles()
        defer { capture.remove() }
        process.standardOutput = try capture.stdoutHandle()
        process.standardError = try capture.stderrHandle()
        let exit = ExitWaiter()
        process.terminationHandler = { finished in
            started?.recordExit()
            exit.finish(finished.terminationStatus)
        }
        try process.run()
        let pid = process.processIdentifier
        started?.record(pid)
        let identity = ProcessIdentity.of(pid)
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            identity?.signal(SIGKILL)
        }
        let status = await exit.status()
        timer.cancel()
        let (stdout, stderr) = capture.texts()
        return Result(status: status, stdout: stdout, stderr: stderr)
    }
}

/// The child started by `SlipwayBinary.run`, for tests that signal it.
///
/// It is signalled only while it runs: once it has exited its pid is free, and with `pid_max` at 32768 and a
/// suite that starts thousands of processes in parallel tests the kernel soon hands the number to another
/// process. A cleanup `kill(pid, SIGKILL)` of a child that had already exited once killed another test's
/// `serve` mid-test. The start time recorded with the pid closes the gap between the child's reaping and its
/// termination handler.
final class StartedProcess: @unchecked Sendable {
    // Guarded by `lock`: written by the task running the child and its termination handler, read by the test.
    private let lock = NSLock()
    private var identity: ProcessIdentity?
    private var recorded: Int32?
    private var exited = false

    func record(_ pid: Int32) {
        lock.lock()
        recorded = pid
        identity = ProcessIdentity.of(pid)
        lock.unlock()
    }

    /// Called once the child has been reaped; from then on `signal` sends nothing.
    func recordExit() {
        lock.lock()
        exited = true
        lock.unlock()
    }

    /// The child's pid, for reading /proc (never for signalling: use `signal`).
    var pid: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// Sends `signal` to the child if it is still running; true if it was sent.
    @discardableResult
    func signal(_ signal: Int32) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !exited, let identity else { return false }
        return identity.signal(signal)
    }
}

/// The exit status of a child, delivered by its termination handler to one waiting task.
final class ExitWaiter: @unchecked Sendable {
    // Guarded by `lock`: the termination handler runs on a Foundation thread.
    private let lock = NSLock()
    private var result: Int32?
    private var waiter: CheckedContinuation<Int32, Never>?

    func finish(_ status: Int32) {
        lock.lock()
        let waiting = waiter
        waiter = nil
        if waiting == nil { result = status }
        lock.unlock()
        waiting?.resume(returning: status)
    }

    func status() async -> Int32 {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(returning: result)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}

/// Two temporary files a child writes its standard output and error to.
struct OutputFiles {
    let stdout: URL
    let stderr: URL

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-cli-\(UUID().uuidString)")
        stdout = base.appendingPathExtension("out")
        stderr = base.appendingPathExtension("err")
        for file in [stdout, stderr] {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw POSIXError(.EACCES) }
        }
    }

    func stdoutHandle() throws -> FileHandle { try FileHandle(forWritingTo: stdout) }
    func stderrHandle() throws -> FileHandle { try FileHandle(forWritingTo: stderr) }

    func texts() -> (String, String) {
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return (read(stdout), read(stderr))
    }

    func remove() {
        try? FileManager.default.removeItem(at: stdout)
        try? FileManager.default.removeItem(at: stderr)
    }
}

/// A TCP port nobody listens on right now (bound to port 0, read back, closed).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until `slipway serve` at `server` answers `/healthz`; records an issue and throws after 30 s.
func waitUntilServing(_ server: String) async throws {
    let url = try #require(URL(string: "\(server)/healthz"))
    let ready = try await eventually {
        let (_, response) = try await URLSession.shared.data(from: url)
        return (response as? HTTPURLResponse)?.statusCode == 200
    }
    guard ready else {
        Issue.record("serve did not answer /healthz within 30 s")
        throw CancellationError()
    }
}
