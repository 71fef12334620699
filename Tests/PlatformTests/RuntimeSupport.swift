import EdgeRouter
import Foundation
import Manifest
@testable import Platform
import SlipwayModel
import Testing

/// Shared pieces of the runtime tests: scratch directories, the fixture web app, a router, a load generator.
enum RuntimeFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let webApp = repositoryRoot.appendingPathComponent("fixtures/apps/web")

    static func scratch(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static var path: String { ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin" }

    /// Settings short enough for tests; the defaults are SPEC §6's.
    static let settings = RuntimeSettings(bootTimeout: .seconds(15), drainTimeout: .seconds(5), stopGrace: .seconds(2),
                                          releasePhaseTimeout: .seconds(20),
                                          restartPolicy: RestartPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200),
                                                                       fastFailureWindow: .seconds(5), fastFailuresBeforeCrashed: 3))

    static func release(_ version: Int, build: Build, web: Int = 2, environment: [String: String] = [:],
                        healthChecks: [HealthCheck] = []) throws -> ReleaseSpec {
        let procfile = try #require(ProcfileParser.parse(Array(try Data(contentsOf: webApp.appendingPathComponent("Procfile")))).procfile)
        var env = ["PATH": path, "HOME": "/tmp", "SLIPWAY_RELEASE": "v\(version)", "SLIPWAY_APP": "web"]
        for (key, value) in environment { env[key] = value }
        return ReleaseSpec(version: version, build: build, processes: procfile.processes, formation: ["web": web],
                           environment: env, webHealthChecks: healthChecks)
    }

    /// GET through the router with the app's Host header.
    static func get(router port: Int, host: String, path: String = "/") async -> HTTPProbe.Answer? {
        await HTTPProbe.get(port: port, path: path, host: host, timeout: .seconds(5))
    }
}

/// Requests sent in a loop until stopped, counting every answer that was not a 2xx and every failed connection.
actor LoadGenerator {
    private(set) var ok = 0
    private(set) var bad: [String] = []
    private var running = true
    private var tasks: [Task<Void, Never>] = []

    func start(router port: Int, host: String, concurrency: Int) {
        for _ in 0..<concurrency {
            tasks.append(Task {
                // The task runs on this actor; only the request itself suspends.
                while self.running {
                    let answer = await RuntimeFixture.get(router: port, host: host)
                    self.record(answer)
                }
            })
        }
    }

    private func record(_ answer: HTTPProbe.Answer?) {
        guard running else { return }
        if let answer, (200..<300).contains(answer.status) {
            ok += 1
        } else if bad.count < 20 {
            bad.append(answer.map { "\($0.status): \($0.body.prefix(200))" } ?? "connection failed")
        }
    }

    /// Stops the loops and waits for them; returns (answered 2xx, failures).
    func stop() async -> (Int, [String]) {
        running = false
        for task in tasks { await task.value }
        return (ok, bad)
    }
}
