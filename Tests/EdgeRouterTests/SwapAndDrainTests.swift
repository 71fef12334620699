import EdgeRouter
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@Suite("Atomic swap and drain")
struct SwapAndDrainTests {
    @Test("Swapping backends under load drops no request")
    func swapUnderLoad() async throws {
        try await withBackends("blue", "green") { backends in
            try await withRouter { router, port in
                let blue = [backends[0].backend]
                let green = [backends[1].backend]
                await router.setBackends(app: "live", blue)
                let stop = Shared(false)
                let failures = Shared<[String]>([])
                let served = Shared<[String: Int]>([:])

                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            while !stop.withLock({ $0 }) {
                                try await TestConnection.with(port: port) { connection in
                                    for _ in 0..<25 {
                                        let response = try await connection.request(host: "live.test.local")
                                        if response.status != .ok {
                                            failures.withLock { $0.append("\(response.status): \(response.body)") }
                                        }
                                        let name = String(response.body.prefix { $0 != "\n" })
                                        served.withLock { $0[name, default: 0] += 1 }
                                    }
                                }
                            }
                        }
                    }
                    group.addTask {
                        for round in 0..<60 {
                            let next = round % 3 == 0 ? green : round % 3 == 1 ? blue + green : blue
                            await router.setBackends(app: "live", next)
                            try await Task.sleep(for: .milliseconds(15))
                        }
                        stop.withLock { $0 = true }
                    }
                    try await group.waitForAll()
                }

                #expect(failures.withLock { $0 }.isEmpty)
                let counts = served.withLock { $0 }
                #expect((counts["blue"] ?? 0) > 0 && (counts["green"] ?? 0) > 0)
                #expect(counts.keys.allSatisfy { $0 == "blue" || $0 == "green" })
                try await waitUntil { await router.inFlightRequests(app: "live") == 0 }
            }
        }
    }

    /// A value several tasks read and write.
    final class Shared<Value: Sendable>: Sendable {
        private let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
        func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    @Test("drained(backends:) waits for an in-flight request on the old backend")
    func drainWaitsForInFlight() async throws {
        try await withBackends("old", "new") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "app", [backends[0].backend])
                async let slow = fetch(port: port, host: "app.test.local", path: "/slow/700")
                try await waitUntil { backends[0].events.withLock { $0.slowStarted } == 1 }
                #expect(await router.inFlightRequests(app: "app") == 1)

                await router.setBackends(app: "app", [backends[1].backend])
                #expect(try await fetch(port: port, host: "app.test.local").body.hasPrefix("new\n"))
                #expect(await router.drained(backends: [backends[0].backend], timeout: .milliseconds(50)) == false)

                let started = ContinuousClock.now
                #expect(await router.drained(backends: [backends[0].backend], timeout: .seconds(5)))
                #expect(ContinuousClock.now - started > .milliseconds(200))
                let finished = try await slow
                #expect(finished.status == .ok)
                #expect(finished.body == "slow old")
                #expect(await router.drained(backends: [backends[1].backend], timeout: .seconds(1)))
            }
        }
    }

    @Test("removeApp makes the host unknown")
    func removeApp() async throws {
        try await withBackends("gone") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "gone", [backends[0].backend])
                let before = try await fetch(port: port, host: "gone.test.local")
                await router.removeApp("gone")
                let after = try await fetch(port: port, host: "gone.test.local")
                #expect(before.status == .ok)
                #expect(after.status == .notFound)
            }
        }
    }
}
