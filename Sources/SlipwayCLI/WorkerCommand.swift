import ArgumentParser
import Foundation
import Sandbox
import Server
import SlipwayModel
import TestRunner
#if canImport(Glibc)
import Glibc
#endif

/// `slipway worker`: a remote test worker. Registers with the service, heartbeats, long-polls for slot leases and
/// runs each leased slot's `test-setup` and batches here, exactly as a local worker of the service would (the same
/// workspace, environment, sandbox and reports), streaming each batch's result back. Trees are cached by tree id
/// under the data dir. SIGTERM (or Ctrl-C) stops the running batches and hands their leases back.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run test slots of the service's test runs on this machine (needs a worker token in SLIPWAY_TOKEN).",
        discussion: "Create the token on the service with `slipway tokens create NAME --scope worker`; it can lease and report test work and nothing else.")

    @Option(help: "The service's URL (default: $SLIPWAY_SERVER, else \(ClientOptions.defaultServer)).") var server: String?
    @Option(help: "This worker's name: [a-z][a-z0-9-]{0,29} (default: from the host name).") var name: String?
    @Option(help: "How many test slots run here at once (1-32).") var slots: Int = 1
    @Option(help: "Where trees are cached and workspaces made (created with mode 0700).") var dataDir: String = ".slipway-worker"
    @Flag(help: "Run test code as this user, unsandboxed (unsafe; warns).") var noSandbox = false

    func validate() throws {
        guard (1...32).contains(slots) else { throw ValidationError("--slots must be between 1 and 32, got \(slots)") }
        if let name {
            do { _ = try ResourceName(name) } catch { throw ValidationError("--name: \(error.message)") }
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let address = server ?? environment["SLIPWAY_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? ClientOptions.defaultServer
        guard let url = URL(string: address), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw CLIFailure.usage("--server: expected a URL like \(ClientOptions.defaultServer), got '\(address)'")
        }
        guard let token = environment["SLIPWAY_TOKEN"], !token.isEmpty else {
            throw CLIFailure.usage("no worker token: set SLIPWAY_TOKEN to a token made with 'slipway tokens create NAME --scope worker'")
        }
        let name = try self.name.map { try ResourceName($0) } ?? Self.defaultName()
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIFailure.usage("--data-dir: cannot create \(dataDirectory.path): \(error.localizedDescription)")
        }
        let launcher = try await Self.launcher(sandboxed: !noSandbox, dataDirectory: dataDirectory)
        let slots = slots
        let ending = try await WorkerAPI.withClient(base: url.absoluteString.trimmingSuffix("/") + "/api/v1", token: token,
                                                    slots: slots) { api in
            let worker = RemoteWorker(name: name.rawValue, slots: slots, api: api, dataDirectory: dataDirectory,
                                      sandbox: TestSandbox(launcher: launcher, hidden: [dataDirectory.path], ownsSource: false),
                                      // Unsandboxed, test code still never sees the worker's token.
                                      baseEnvironment: launcher.isSandboxed ? SandboxEnvironment.base
                                          : environment.filter { $0.key != "SLIPWAY_TOKEN" })
            let heartbeat = try await worker.register()
            say("worker \(name): \(slots) slot(s) for \(address), heartbeat every \(heartbeat.formatted()) s, data in \(dataDirectory.path)")
            return await CIInterrupt.cancellingOnSignal { await worker.run(heartbeatSeconds: heartbeat) }
        }
        switch ending {
        case .stopped:
            say("worker \(name): stopped")
        case .refused(let reason):
            throw CLIFailure(exitCode: .usage, message: "worker \(name): \(reason)")
        }
    }

    /// The host name made into a name (`build-07.example.com` → `build-07`).
    static func defaultName() throws -> ResourceName {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "worker"
        var cleaned = String(host.lowercased().map { ($0.isLetter || $0.isNumber) && $0.isASCII ? $0 : "-" }.prefix(30))
        if cleaned.first?.isLetter != true { cleaned = String(("w-" + cleaned).prefix(30)) }
        while cleaned.hasSuffix("-") { cleaned.removeLast() }
        do { return try ResourceName(cleaned.isEmpty ? "worker" : cleaned) } catch {
            throw CLIFailure.usage("cannot make a worker name from the host name; pass --name")
        }
    }

    /// The sandbox, as `serve` makes it: bubblewrap and setpriv, a uid per test run, limits where the kernel allows.
    static func launcher(sandboxed: Bool, dataDirectory: URL) async throws -> SandboxLauncher {
        guard sandboxed else {
            say("WARNING: --no-sandbox: test code runs as this worker's own user and can read its data dir")
            return .unsandboxed
        }
        do throws(SandboxError) {
            let setup = try SandboxSetup.prepare(stateDirectory: dataDirectory.appendingPathComponent("sandbox").path)
            try await setup.verify()
            return SandboxLauncher(.sandboxed(setup))
        } catch {
            throw CLIFailure(exitCode: .checkFailed, message: "cannot sandbox test code: \(error.message) "
                             + "(Debian: apt-get install bubblewrap), or run with --no-sandbox (unsafe)")
        }
    }
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
