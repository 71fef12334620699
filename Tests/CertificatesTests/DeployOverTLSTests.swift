import Certificates
import EdgeRouter
import Foundation
import Manifest
import NIOHTTP1
import Platform
import SlipwayTestSupport
import Synchronization
import Testing

/// The zero-downtime deploy test over HTTPS: the same sequence as the runtime's plain-HTTP acceptance test
/// (good deploys, a failed release phase, dynos that crash at boot, scaling up and down, a slow boot, a rollback)
/// through `AppRuntime` and a router with `--tls internal`, while clients that trust only the local CA's
/// certificate keep sending requests over HTTPS: on keep-alive TLS connections and on a fresh TLS connection per
/// request. No request may fail.
@Suite("Zero-downtime deploys over HTTPS", .serialized)
struct DeployOverTLSTests {
    static let webApp = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/apps/web")

    static let settings = RuntimeSettings(
        bootTimeout: .seconds(15), drainTimeout: .seconds(5), stopGrace: .seconds(2), releasePhaseTimeout: .seconds(20),
        restartPolicy: RestartPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200),
                                     fastFailureWindow: .seconds(5), fastFailuresBeforeCrashed: 3))

    @Test("deploys, failed deploys, scaling and a rollback under HTTPS load fail no request")
    func deploysOverHTTPSDropNoRequest() async throws {
        try #require(requiredInCI(toolExists("python3")), "python3 runs the fixture web app")
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let certificates = try InternalCertificates(folder: root.appendingPathComponent("tls"))
        let host = "web.test.local"
        try await withTLSRouter(certificates: certificates) { router, _, httpsPort in
            let build = try await BuildStore(root: root.appendingPathComponent("builds")).build(directory: Self.webApp, command: nil)
            let runtime = AppRuntime(app: "web", hosts: [host], directory: root.appendingPathComponent("apps/web"),
                                     router: router, ports: PortAllocator(), settings: Self.settings)
            let tls = ClientTLS(trustedRootsPEM: certificates.rootCertificatePEM, serverName: host)
            func serving() async -> String {
                (try? await fetch(port: httpsPort, host: host, tls: tls).body) ?? "no answer"
            }
            func release(_ version: Int, web: Int = 2, _ environment: [String: String] = [:],
                         healthChecks: [HealthCheck] = []) throws -> ReleaseSpec {
                let procfile = try #require(ProcfileParser.parse(Array(try Data(contentsOf: Self.webApp.appendingPathComponent("Procfile")))).procfile)
                var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": "/tmp",
                           "SLIPWAY_RELEASE": "v\(version)", "SLIPWAY_APP": "web"]
                for (key, value) in environment { env[key] = value }
                return ReleaseSpec(version: version, build: build, processes: procfile.processes, formation: ["web": web],
                                   environment: env, webHealthChecks: healthChecks)
            }

            #expect(await runtime.deploy(try release(1)) == .deployed(version: 1))
            #expect(await serving().contains("from v1"))

            let load = HTTPSLoad(port: httpsPort, host: host, tls: tls)
            load.start(keepAliveClients: 2, freshConnectionClients: 1)
            var steps: [String] = []

            #expect(await runtime.deploy(try release(2)) == .deployed(version: 2))
            #expect(await serving().contains("from v2"))
            steps.append("v2 deployed")

            let failedRelease = await runtime.deploy(try release(3, ["FAIL_RELEASE": "1"]))
            #expect(!failedRelease.succeeded)
            #expect(await serving().contains("from v2"))
            steps.append("v3 release phase failed")

            #expect(!(await runtime.deploy(try release(4, ["MODE": "crash"]))).succeeded)
            #expect(await serving().contains("from v2"))
            steps.append("v4 crashed at boot")

            var check = HealthCheck(type: .startup)
            check.path = "/"
            check.attempts = 3
            check.wait = 0
            check.timeout = 1
            #expect(!(await runtime.deploy(try release(5, ["MODE": "unhealthy"], healthChecks: [check]))).succeeded)
            #expect(await serving().contains("from v2"))
            steps.append("v5 never healthy")

            #expect(await runtime.scale(["web": 3]) == .deployed(version: 2))
            #expect(await runtime.scale(["web": 1]) == .deployed(version: 2))
            steps.append("scaled 3 then 1")

            #expect(await runtime.deploy(try release(6, ["BOOT_DELAY": "0.5"])) == .deployed(version: 6))
            #expect(await serving().contains("from v6"))
            #expect(await runtime.deploy(try release(7, ["GREETING": "howdy"])) == .deployed(version: 7))
            #expect(await serving().contains("howdy from v7"))
            #expect(await runtime.deploy(try release(8)) == .deployed(version: 8))
            #expect(await serving().contains("hello from v8"))
            steps.append("v6…v8 deployed (v8 rolls back to v6's settings)")

            let result = await load.stop()
            #expect(result.failed == 0, "requests failed during \(steps): \(result.failures)")
            #expect(result.ok > 50, "the load should have been a steady stream (\(result.ok) answered)")
            #expect(result.freshConnections > 5, "the fresh-connection client made new TLS handshakes (\(result.freshConnections))")

            await runtime.stop()
        }
    }
}

/// HTTPS clients sending `GET /` in a loop until stopped, counting every answer that is not a 2xx and every
/// failed connection or handshake.
private final class HTTPSLoad: Sendable {
    struct Result: Sendable {
        var ok = 0
        var failed = 0
        var freshConnections = 0
        var failures: [String] = []
    }

    let port: Int
    let host: String
    let tls: ClientTLS
    private let result = Mutex(Result())
    private let stopped = Mutex(false)
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(port: Int, host: String, tls: ClientTLS) {
        self.port = port
        self.host = host
        self.tls = tls
    }

    func start(keepAliveClients: Int, freshConnectionClients: Int) {
        var started: [Task<Void, Never>] = []
        for _ in 0..<keepAliveClients {
            started.append(Task {
                // One keep-alive TLS connection, reopened only when the router closes it.
                while !self.isStopped {
                    do {
                        try await TestConnection.with(port: self.port, tls: self.tls) { connection in
                            while !self.isStopped {
                                self.record(try await connection.request(host: self.host), fresh: false)
                            }
                        }
                    } catch {
                        self.record(error: error)
                    }
                }
            })
        }
        for _ in 0..<freshConnectionClients {
            started.append(Task {
                while !self.isStopped {
                    do {
                        self.record(try await fetch(port: self.port, host: self.host, tls: self.tls), fresh: true)
                    } catch {
                        self.record(error: error)
                    }
                }
            })
        }
        tasks.withLock { $0 = started }
    }

    var isStopped: Bool { stopped.withLock { $0 } }

    private func record(_ response: TestResponse, fresh: Bool) {
        result.withLock { result in
            if (200..<300).contains(Int(response.status.code)) {
                result.ok += 1
                if fresh { result.freshConnections += 1 }
            } else {
                result.failed += 1
                if result.failures.count < 20 { result.failures.append("\(response.status): \(response.body.prefix(200))") }
            }
        }
    }

    private func record(error: any Error) {
        result.withLock { result in
            result.failed += 1
            if result.failures.count < 20 { result.failures.append("\(error)") }
        }
    }

    func stop() async -> Result {
        stopped.withLock { $0 = true }
        for task in tasks.withLock({ $0 }) { await task.value }
        return result.withLock { $0 }
    }
}
