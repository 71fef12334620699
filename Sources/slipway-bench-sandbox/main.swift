import EdgeRouter
import Manifest
import Foundation
import Platform
import Processes
import Sandbox

// ci/bench/sandbox: what the sandbox costs, measured side by side in one run against the unsandboxed launcher:
//   start     N × `/bin/true` through the launcher (spawn to exit, in a process group), plain vs sandboxed;
//   boot      deploys of the fixture web app (fixtures/apps/web) until its web dyno answers its health check,
//             plain vs sandboxed (overlay slug, own uid, limits).
// Usage: slipway-bench-sandbox [--starts N] [--boots N] [--web-app DIR]

var starts = 200
var boots = 5
var webApp = FileManager.default.currentDirectoryPath + "/fixtures/apps/web"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    let value = arguments.next() ?? ""
    switch flag {
    case "--starts": starts = Int(value) ?? starts
    case "--boots": boots = Int(value) ?? boots
    case "--web-app": webApp = value
    default: FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8)); exit(2)
    }
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bench-sandbox-\(getpid())")
defer { try? FileManager.default.removeItem(at: scratch) }
let data = scratch.appendingPathComponent("data").path
let setup: SandboxSetup
do {
    setup = try SandboxSetup.prepare(stateDirectory: data + "/sandbox")
    try await setup.verify()
} catch {
    FileHandle.standardError.write(Data("cannot sandbox: \(error)\n".utf8))
    exit(1)
}
let sandboxed = SandboxLauncher(.sandboxed(setup))
print("limits: \(setup.limitMechanism)")

// MARK: process start

func startMilliseconds(_ launcher: SandboxLauncher, count: Int) async throws -> [Double] {
    let tree = data + "/tree"
    try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
    let identity = setup.identities.transient()
    try TreeOwnership.give(tree, to: identity)
    let policy = SandboxPolicy(identity: identity, tree: .directory(tree, writable: true), hidden: [data])
    let group = try ProcessGroup(terminationGrace: .milliseconds(100))
    var times: [Double] = []
    for _ in 0..<count {
        let started = ContinuousClock.now
        let spec = try launcher.process(command: "/bin/true", environment: [:], policy: policy, outputPath: nil)
        _ = try await group.run(spec)
        let elapsed = ContinuousClock.now - started
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
    await group.terminate()
    return times
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

// Interleaved in rounds so load from other work on the machine falls on both alike.
var plainTimes: [Double] = []
var sandboxTimes: [Double] = []
let rounds = 4
for _ in 0..<rounds {
    plainTimes += try await startMilliseconds(.unsandboxed, count: starts / rounds)
    sandboxTimes += try await startMilliseconds(sandboxed, count: starts / rounds)
}
let added = median(sandboxTimes) - median(plainTimes)
print(String(format: "start  %d × /bin/true   plain median %.1f ms (p90 %.1f)   sandboxed median %.1f ms (p90 %.1f)   added %.1f ms (goal ≤ 10)",
             plainTimes.count, median(plainTimes), percentile(plainTimes, 0.9), median(sandboxTimes),
             percentile(sandboxTimes, 0.9), added))

// MARK: boot to healthy

func bootSeconds(_ launcher: SandboxLauncher, attempt: Int) async throws -> Double {
    let router = EdgeRouter(configuration: RouterConfiguration(host: "127.0.0.1", port: 0, domain: "localhost", eventLoopThreads: 1))
    try await router.start()
    let appDirectory = URL(fileURLWithPath: data).appendingPathComponent("apps/bench-\(attempt)")
    let isolation = launcher.isSandboxed
        ? AppIsolation(launcher: launcher, identity: setup.identities.app("bench-\(attempt)"), hidden: [data],
                       scratchRoot: appDirectory.appendingPathComponent("dynos").path)
        : .unsandboxed
    let runtime = AppRuntime(app: "bench", hosts: ["bench.localhost"], directory: appDirectory, router: router,
                             ports: PortAllocator(), settings: RuntimeSettings(bootTimeout: .seconds(30)), isolation: isolation)
    let builds = BuildStore(root: URL(fileURLWithPath: data).appendingPathComponent("builds"))
    let build = try await builds.build(directory: URL(fileURLWithPath: webApp), command: nil)
    let release = ReleaseSpec(version: 1, build: build, processes: [ProcessDeclaration(type: "web", command: "python3 app.py", line: 1)],
                              formation: ["web": 1], environment: ["SLIPWAY_APP": "bench", "SLIPWAY_RELEASE": "v1"])
    let started = ContinuousClock.now
    let outcome = await runtime.deploy(release)
    let elapsed = ContinuousClock.now - started
    await runtime.stop()
    try await router.shutdown(gracePeriod: .seconds(1))
    guard outcome.succeeded else { throw SandboxError("deploy failed: \(outcome)") }
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

var plainBoots: [Double] = []
var sandboxBoots: [Double] = []
for attempt in 0..<boots {
    plainBoots.append(try await bootSeconds(.unsandboxed, attempt: attempt))
    sandboxBoots.append(try await bootSeconds(sandboxed, attempt: attempt))
}
print(String(format: "boot   %d deploys of fixtures/apps/web to healthy   plain median %.3f s   sandboxed median %.3f s   ratio %.2f× (goal ≤ 1.1×)",
             boots, median(plainBoots), median(sandboxBoots), median(sandboxBoots) / max(median(plainBoots), 0.000_001)))
