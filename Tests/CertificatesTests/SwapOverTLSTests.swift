import Certificates
import EdgeRouter
import RouterTestSupport
import Foundation
import Synchronization
import Testing

/// The router half of a zero-downtime deploy, over HTTPS: clients on keep-alive TLS connections keep sending while
/// the app's backends are swapped, drained and stopped, again and again. No request may fail. (The whole deploy
/// through `AppRuntime` over HTTPS is not tested yet; see the README.)
@Suite("Backend swaps over HTTPS")
struct SwapOverTLSTests {
    @Test("swapping, draining and stopping backends under HTTPS load fails no request")
    func swapsDropNoRequest() async throws {
        let certificates = try InternalCertificates(folder: try temporaryDirectory())
        let host = "web.test.local"
        try await withTLSRouter(certificates: certificates) { router, _, httpsPort in
            var current = try await TestBackend.start(name: "v0")
            await router.setBackends(app: "web", [current.backend])
            let load = Load()
            let tls = ClientTLS(trustedRootsPEM: certificates.rootCertificatePEM, serverName: host)
            let clients = Task { [load] in
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            // One keep-alive TLS connection per client, reopened only if the router closes it.
                            while !load.stop.withLock({ $0 }) {
                                do {
                                    try await TestConnection.with(port: httpsPort, tls: tls) { connection in
                                        while !load.stop.withLock({ $0 }) {
                                            let response = try await connection.request(host: host, path: "/slow/20")
                                            load.counts.withLock {
                                                if response.status == .ok { $0.ok += 1 } else {
                                                    $0.failed += 1
                                                    $0.lastFailure = "\(response.status)"
                                                }
                                            }
                                        }
                                    }
                                } catch {
                                    load.counts.withLock {
                                        $0.failed += 1
                                        $0.lastFailure = "\(error)"
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for version in 1...5 {
                try await Task.sleep(for: .milliseconds(150))
                let next = try await TestBackend.start(name: "v\(version)")
                await router.setBackends(app: "web", [next.backend])
                #expect(await router.drained(backends: [current.backend], timeout: .seconds(5)))
                await current.stop()
                current = next
            }
            try await Task.sleep(for: .milliseconds(150))
            load.stop.withLock { $0 = true }
            await clients.value
            await current.stop()
            let result = load.counts.withLock { $0 }
            #expect(result.failed == 0, "last failure: \(result.lastFailure)")
            #expect(result.ok > 30)
        }
    }
}

/// What the load clients share with the test.
private final class Load: Sendable {
    let counts = Mutex((ok: 0, failed: 0, lastFailure: ""))
    let stop = Mutex(false)
}
