import Foundation
@testable import Platform
import SlipwayModel
import Processes
import Sandbox
import Testing

/// The launcher with real bubblewrap processes: what a sandboxed command can and cannot do. A machine without
/// bubblewrap fails these tests (ci/setup installs it).
@Suite(.serialized) struct SandboxLauncherTests {
    struct Scene {
        let root: URL
        let setup: SandboxSetup
        let data: String
        let tree: String
        let identity: SandboxIdentity

        init() throws {
            root = RuntimeFixture.scratch("sandbox")
            setup = try SandboxSetup.prepare(stateDirectory: root.appendingPathComponent("data/sandbox").path)
            data = root.appendingPathComponent("data").path
            tree = root.appendingPathComponent("data/tree").path
            try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
            try "admin secret\n".write(toFile: data + "/admin-token", atomically: true, encoding: .utf8)
            chmod(data + "/admin-token", 0o600)
            identity = setup.identities.transient()
            try TreeOwnership.give(tree, to: identity)
        }

        /// Runs `command` with the tree at /app (writable) and the data dir hidden; returns what it printed.
        func run(_ command: String, environment: [String: String] = [:], network: SandboxNetwork = .shared,
                 tree: SandboxTree? = nil, limits: LimitCell? = nil) async throws -> (Termination, String) {
            let policy = SandboxPolicy(identity: identity, tree: tree ?? .directory(self.tree, writable: true),
                                       hidden: [data], network: network, limits: limits)
            let log = root.appendingPathComponent("log-\(UUID().uuidString)").path
            let spec = try SandboxLauncher(.sandboxed(setup)).process(command: command, environment: environment,
                                                                       policy: policy, outputPath: log)
            let group = try ProcessGroup(terminationGrace: .milliseconds(200))
            let termination = try await group.run(spec)
            await group.terminate()
            return (termination, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func aTrialRunVerifies() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        try await scene.setup.verify()
    }

    @Test func runsAsItsOwnUnprivilegedUserAtApp() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let (termination, output) = try await scene.run("id -u; id -g; id -un; pwd; echo HOME=$HOME")
        #expect(termination == .exited(0), "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines == ["\(scene.identity.uid)", "\(scene.identity.gid)", scene.identity.userName, "/app",
                          "HOME=\(scene.identity.homeDirectory)"])
        #expect(scene.identity.uid != 0 && scene.identity.uid != geteuid())
    }

    @Test func cannotReadTheDataDirOrTheService() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let me = getpid()
        let (_, output) = try await scene.run("""
            cat \(scene.data)/admin-token 2>/dev/null && echo token=read || echo token=hidden
            find / -name admin-token 2>/dev/null | grep -q . && echo found=yes || echo found=no
            cat /proc/\(me)/environ 2>/dev/null | grep -q . && echo environ=read || echo environ=no
            kill -0 \(me) 2>/dev/null && echo signal=yes || echo signal=no
            kill -0 1 2>/dev/null && echo pid1=yes || echo pid1=no
            { test -e /root || test -e /srv || test -e /work || test -e /var; } && echo host=seen || echo host=none
            echo home=$(ls /home)
            touch /usr/pwned /etc/pwned \(scene.data)/pwned 2>/dev/null && echo wrote=yes || echo wrote=no
            touch /app/mine && echo app=writable || echo app=readonly
            """)
        for expected in ["token=hidden", "found=no", "environ=no", "signal=no", "host=none", "home=\(scene.identity.userName)", "wrote=no", "app=writable"] {
            #expect(output.contains(expected), "\(expected) in \(output)")
        }
        #expect(!FileManager.default.fileExists(atPath: scene.data + "/pwned"))
        #expect(FileManager.default.fileExists(atPath: scene.tree + "/mine"))
    }

    @Test func getsOnlyTheGrantedEnvironment() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let (_, output) = try await scene.run("env | sort", environment: [
            "SLIPWAY_TOKEN": "admin-token-value", "SLIPWAY_DATA_DIR": "/x", "SLIPWAY_APP": "shop", "DATABASE_URL": "pg://",
        ])
        #expect(!output.contains("SLIPWAY_TOKEN") && !output.contains("admin-token-value") && !output.contains("SLIPWAY_DATA_DIR"))
        #expect(output.contains("SLIPWAY_APP=shop") && output.contains("DATABASE_URL=pg://"))
        #expect(output.contains("PATH=\(SandboxEnvironment.defaultPath)"))
    }

    @Test func networkNoneLeavesOnlyLoopback() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let interfaces = "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' '"
        let (_, none) = try await scene.run(interfaces, network: .none)
        #expect(none.trimmingCharacters(in: .whitespacesAndNewlines) == "lo")
        let (_, shared) = try await scene.run(interfaces, network: .shared)
        #expect(shared.split(separator: " ").count > 1, "the host's interfaces: \(shared)")
    }

    @Test func anOverlayTreeKeepsTheLowerLayerUntouchedAndPrivate() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let slug = scene.root.appendingPathComponent("data/slug").path
        try FileManager.default.createDirectory(atPath: slug, withIntermediateDirectories: true)
        try "slug\n".write(toFile: slug + "/version.txt", atomically: true, encoding: .utf8)
        func layers(_ name: String) throws -> OverlayLayers {
            let base = scene.root.appendingPathComponent("data/\(name)").path
            let layers = OverlayLayers(lower: slug, upper: base + "/upper", work: base + "/work", mountPoint: base + "/merged")
            try TreeOwnership.makeDirectories([layers.mountPoint], for: nil)
            try TreeOwnership.makeDirectories([layers.upper, layers.work], for: scene.identity)
            return layers
        }
        let first = try layers("one")
        let second = try layers("two")
        let (written, output) = try await scene.run("cat version.txt && echo one > mine.txt", tree: .overlay(first))
        #expect(written == .exited(0) && output == "slug\n", "\(output)")
        let (_, seen) = try await scene.run("ls /app", tree: .overlay(second))
        #expect(seen == "version.txt\n")
        #expect(!FileManager.default.fileExists(atPath: slug + "/mine.txt"))
        #expect(FileManager.default.fileExists(atPath: first.upper + "/mine.txt"))
    }

    @Test func aDynoPastItsMemoryLimitIsKilledAndLoggedAsR15() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let mechanism = scene.setup.limitMechanism
        #expect(mechanism != .unavailable, "no limit mechanism on this machine")
        let slug = scene.root.appendingPathComponent("data/slug").path
        try FileManager.default.createDirectory(atPath: slug, withIntermediateDirectories: true)
        let isolation = AppIsolation(launcher: SandboxLauncher(.sandboxed(scene.setup)), identity: scene.identity,
                                     hidden: [scene.data], scratchRoot: scene.root.appendingPathComponent("data/dynos").path)
        let log = scene.root.appendingPathComponent("dyno.log").path
        // 64 MB allowed; the process takes 1 MB at a time until the kernel stops it.
        let hog = "python3 -c 'a = []\nwhile True: a.append(bytearray(1 << 20))'"
        let spec = DynoSpec(name: "worker.1", processType: "worker", release: 1, command: hog, environment: [:],
                            workingDirectory: slug, port: 0, logPath: log, stopGrace: .seconds(1), isolation: isolation,
                            limits: ResourceLimits(memoryBytes: 64 << 20, maxProcesses: 64, cpuCores: 1))
        let dyno = DynoSupervisor(spec: spec, policy: RestartPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(100),
                                                         fastFailureWindow: .seconds(30), fastFailuresBeforeCrashed: 2))
        // Another app's web dyno, in its own sandbox, keeps serving through it.
        let port = try #require(PortAllocator().next())
        let neighbourIsolation = AppIsolation(launcher: isolation.launcher, identity: scene.setup.identities.transient(),
                                              hidden: [scene.data], scratchRoot: scene.root.appendingPathComponent("data/other").path)
        let neighbour = DynoSupervisor(spec: DynoSpec(
            name: "web.1", processType: "web", release: 1, command: "exec python3 -m http.server --bind 127.0.0.1 \(port)",
            environment: [:], workingDirectory: slug, port: port, logPath: scene.root.appendingPathComponent("web.log").path,
            stopGrace: .seconds(1), isolation: neighbourIsolation, limits: ResourceLimits.dynoSize(nil)))
        await neighbour.start()
        await dyno.start()
        let deadline = ContinuousClock.now + .seconds(60)
        while await dyno.state != .crashed && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        await dyno.stop()
        #expect(text.contains("Error R15 (Memory quota vastly exceeded)"), "\(text)")
        // Restarted by the usual rules: two fast failures in a row, then crashed.
        #expect(await dyno.restarts == 1)
        var answer = await HTTPProbe.get(port: port, path: "/", host: "web.localhost", timeout: .seconds(2))
        let serving = ContinuousClock.now + .seconds(15)
        while answer?.status != 200 && ContinuousClock.now < serving {
            try await Task.sleep(for: .milliseconds(200))
            answer = await HTTPProbe.get(port: port, path: "/", host: "web.localhost", timeout: .seconds(2))
        }
        #expect(answer?.status == 200, "the other app's dyno stopped serving")
        #expect(await neighbour.isRunning)
        await neighbour.stop()
    }

    /// The command's shell is the first process of bubblewrap's PID namespace: had it died of the stop's SIGTERM at
    /// once (dash does not exec a `-c` command's last program), the kernel would have SIGKILLed the program mid-shutdown.
    /// Found by `ci/soak --deploys`: WebSockets dropped without the close frame the app sends on SIGTERM.
    @Test func aStoppedDynoFinishesItsShutdownInsideTheSandbox() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let slug = scene.root.appendingPathComponent("data/slug").path
        try FileManager.default.createDirectory(atPath: slug, withIntermediateDirectories: true)
        let isolation = AppIsolation(launcher: SandboxLauncher(.sandboxed(scene.setup)), identity: scene.identity,
                                     hidden: [scene.data], scratchRoot: scene.root.appendingPathComponent("data/dynos").path)
        let log = scene.root.appendingPathComponent("web.log").path
        // Not exec'd: the program is the command shell's child, as `web: python3 app.py` is.
        let program = "sh -c 'trap \"sleep 0.3; echo shut down cleanly; exit 0\" TERM; echo started; while :; do sleep 0.05; done'"
        let dyno = DynoSupervisor(spec: DynoSpec(name: "web.1", processType: "web", release: 1, command: program, environment: [:],
                                                 workingDirectory: slug, port: 0, logPath: log, stopGrace: .seconds(10),
                                                 isolation: isolation))
        await dyno.start()
        let deadline = ContinuousClock.now + .seconds(30)
        while !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("started") && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let started = ContinuousClock.now
        await dyno.stop()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("started"), "\(text)")
        #expect(text.contains("shut down cleanly"), "the program was killed before its SIGTERM handler finished: \(text)")
        #expect(ContinuousClock.now - started < .seconds(10), "it exited by itself, well within the grace period")
    }

    @Test func aBuildCommandRunsAsAFreshUserAndTheSlugGoesBackToRoot() async throws {
        let scene = try Scene()
        defer { scene.remove() }
        let source = scene.root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try "print('hi')\n".write(to: source.appendingPathComponent("app.py"), atomically: true, encoding: .utf8)
        let store = BuildStore(root: URL(fileURLWithPath: scene.data).appendingPathComponent("builds"),
                               launcher: SandboxLauncher(.sandboxed(scene.setup)), hidden: [scene.data])
        let build = try await store.build(directory: source, command:
            "id -u > built-by && pwd > built-in && mkdir -p vendor && touch vendor/lib && cat \(scene.data)/admin-token > leaked || true")
        let builder = try String(contentsOfFile: build.directory + "/built-by", encoding: .utf8)
        #expect(UInt32(builder.trimmingCharacters(in: .whitespacesAndNewlines)).map { $0 != 0 && $0 != geteuid() } == true)
        #expect(try String(contentsOfFile: build.directory + "/built-in", encoding: .utf8) == "/app\n")
        #expect(FileManager.default.fileExists(atPath: build.directory + "/vendor/lib"))
        #expect((try? String(contentsOfFile: build.directory + "/leaked", encoding: .utf8)) == "")
        for path in ["", "/vendor", "/vendor/lib", "/app.py"] {
            let owner = try FileManager.default.attributesOfItem(atPath: build.directory + path)[.ownerAccountID] as? NSNumber
            #expect(owner?.intValue == 0, "\(path) is not root's after the build")
        }
    }
}
