import Certificates
import EdgeRouter
import Foundation
import Platform
import SlipwayTestSupport
import Testing

/// Real issuance from Debian's pebble, with HTTP-01 validated against the router's own plain HTTP port.
@Suite("HTTPS with --tls acme (pebble)", .serialized)
struct ACMETests {
    static let fast = ACMECertificates.Timing(
        checkInterval: .milliseconds(300), firstRetry: .seconds(1), maxRetry: .seconds(4), pollInterval: .milliseconds(100))

    @Test("a review app gets a certificate for pr-<N>.<pipeline>.<domain>; curl --cacert <pebble root> reaches the dyno over HTTPS")
    func reviewAppCertificate() async throws {
        try #require(requiredInCI(Pebble.isInstalled && toolExists("curl")), "pebble, pebble-challtestsrv, openssl and curl are needed")
        let httpPort = try await freePort()
        let pebble = try await Pebble(httpPort: httpPort)
        defer { pebble.stop() }
        let folder = try temporaryDirectory()
        let certificates = try ACMECertificates(
            folder: folder, directoryURL: pebble.directoryURL, email: "ops@example.com",
            caBundle: pebble.listenerCABundle, timing: Self.fast)
        // The names the pull-request flow gives pipeline shop's PR 7 review app (domain test.local, the fixture's).
        let host = ReviewAppNaming.host(pipeline: "shop", prNumber: 7, domain: "test.local")
        #expect(host == "pr-7.shop.test.local")
        try await withBackends("review") { backends in
            try await withTLSRouter(certificates: certificates, challenges: certificates, httpPort: httpPort) {
                router, _, httpsPort in
                #expect(certificates.certificate(forServerName: host) == nil)
                await router.setBackends(
                    app: ReviewAppNaming.appName(pipeline: "shop", prNumber: 7), [backends[0].backend], hosts: [host])
                try await waitUntil(timeout: .seconds(60), "the certificate for \(host)") {
                    certificates.currentCertificate(for: host) != nil || isFailed(certificates.statuses()[host])
                }
                let issued = try #require(certificates.currentCertificate(for: host), "\(String(describing: certificates.statuses()[host]))")
                #expect(issued.dnsNames == [host])

                let root = folder.appendingPathComponent("pebble-root.pem")
                try pebble.issuingRootPEM.write(to: root, atomically: true, encoding: .utf8)
                let body = try run("curl", ["-sS", "--fail", "--cacert", root.path,
                                            "--resolve", "\(host):\(httpsPort):127.0.0.1",
                                            ReviewAppNaming.url(host: host, routerPort: nil, httpsPort: httpsPort) + "hello"])
                #expect(body.hasPrefix("review\n"))
                #expect(body.contains("x-forwarded-proto: https\n"))
                #expect(body.contains("x-forwarded-port: \(httpsPort)\n"))
            }
        }
        // Kept in the data dir, key 0600, and a restart serves it without ordering again.
        let keyMode = try FileManager.default.attributesOfItem(
            atPath: folder.appendingPathComponent("hosts/\(host)/key.pem").path)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let accountMode = try FileManager.default.attributesOfItem(
            atPath: folder.appendingPathComponent("account.key").path)[.posixPermissions] as? Int
        #expect(accountMode == 0o600)
        let restarted = try ACMECertificates(
            folder: folder, directoryURL: "https://127.0.0.1:1/unreachable", email: nil, caBundle: nil, timing: Self.fast)
        #expect(restarted.currentCertificate(for: host)?.serial == certificates.currentCertificate(for: host)?.serial)
        await restarted.hostsRouted([host])
        #expect(restarted.statuses()[host].map(isValid) == true)
        // A removed review app is no longer renewed nor served; routed again, its stored certificate comes back.
        await restarted.hostsUnrouted([host])
        #expect(restarted.statuses()[host] == nil)
        #expect(restarted.certificate(forServerName: host) == nil)
        await restarted.hostsRouted([host])
        #expect(restarted.currentCertificate(for: host)?.serial == certificates.currentCertificate(for: host)?.serial)
        await certificates.shutdown()
        await restarted.shutdown()
    }

    @Test("a renewal at two thirds of the lifetime replaces the certificate while a keep-alive connection stays open")
    func renewalKeepsConnections() async throws {
        try #require(requiredInCI(Pebble.isInstalled), "pebble, pebble-challtestsrv and openssl are needed")
        let httpPort = try await freePort()
        // 9 s certificates: renewed 6 s after issuance.
        let pebble = try await Pebble(httpPort: httpPort, validitySeconds: 9)
        defer { pebble.stop() }
        let certificates = try ACMECertificates(
            folder: try temporaryDirectory(), directoryURL: pebble.directoryURL, email: nil,
            caBundle: pebble.listenerCABundle, timing: Self.fast)
        certificates.start()
        let host = "web.test.local"
        try await withBackends("web") { backends in
            try await withTLSRouter(certificates: certificates, challenges: certificates, httpPort: httpPort) {
                router, _, httpsPort in
                await router.setBackends(app: "web", [backends[0].backend])
                try await waitUntil(timeout: .seconds(60), "the first certificate") {
                    certificates.currentCertificate(for: host) != nil
                }
                let first = try #require(certificates.currentCertificate(for: host))
                let tls = ClientTLS(trustedRootsPEM: pebble.issuingRootPEM, serverName: host)
                try await TestConnection.with(port: httpsPort, tls: tls) { connection in
                    #expect(try await connection.request(host: host).body.hasPrefix("web\n"))
                    let seenFirst = connection.peerCertificate?.serialNumber.map { String(format: "%02x", $0) }.joined()
                    #expect(seenFirst == first.serial)
                    try await waitUntil(timeout: .seconds(60), "the renewal") {
                        certificates.currentCertificate(for: host)?.serial != first.serial
                    }
                    let renewed = try #require(certificates.currentCertificate(for: host))
                    #expect(renewed.notBefore >= first.renewalDate.addingTimeInterval(-2))
                    // The same connection carries on after the swap.
                    #expect(try await connection.request(host: host).body.hasPrefix("web\n"))
                    #expect(try await connection.request(host: host).body.hasPrefix("web\n"))
                    // A new connection gets the new certificate.
                    let fresh = try await TestConnection.with(port: httpsPort, tls: tls) { fresh in
                        _ = try await fresh.request(host: host)
                        return fresh.peerCertificate?.serialNumber.map { String(format: "%02x", $0) }.joined()
                    }
                    #expect(fresh == renewed.serial)
                }
                // The client's connection stayed open across the swap (its requests above went over it). Upstream,
                // the router opens one connection per client connection, or hands the fresh one the idle upstream
                // connection it pools, depending on timing: one or two, never more.
                #expect((1...2).contains(backends[0].events.withLock { $0.connections }))
            }
        }
        await certificates.shutdown()
    }

    @Test("a failed validation is retried with backoff, shown in the status, and the host keeps plain HTTP")
    func failedOrderBacksOff() async throws {
        try #require(requiredInCI(Pebble.isInstalled), "pebble, pebble-challtestsrv and openssl are needed")
        let httpPort = try await freePort()
        let pebble = try await Pebble(httpPort: httpPort)
        defer { pebble.stop() }
        let certificates = try ACMECertificates(
            folder: try temporaryDirectory(), directoryURL: pebble.directoryURL, email: nil,
            caBundle: pebble.listenerCABundle, timing: Self.fast)
        certificates.start()
        let host = "broken.test.local"
        try await withBackends("broken") { backends in
            // The router does not answer challenges: pebble's validator reaches the app, which answers its own page.
            try await withTLSRouter(certificates: certificates, challenges: nil, httpPort: httpPort) { router, _, _ in
                await router.setBackends(app: "broken", [backends[0].backend])
                try await waitUntil(timeout: .seconds(60), "the first failure") { attempts(certificates.statuses()[host]) >= 1 }
                guard case .failed(let message, _, let retryIn, let retryAt) = certificates.statuses()[host] else {
                    Issue.record("expected a failure, got \(String(describing: certificates.statuses()[host]))")
                    return
                }
                #expect(message.contains("HTTP-01 validation of \(host) failed"), "\(message)")
                #expect(retryIn == .seconds(1))
                #expect(abs(retryAt.timeIntervalSinceNow) <= 3, "the next retry is about a second away: \(retryAt)")
                try await waitUntil(timeout: .seconds(60), "the retry") { attempts(certificates.statuses()[host]) >= 2 }
                if case .failed(_, _, let retryIn, _) = certificates.statuses()[host] { #expect(retryIn == .seconds(2)) }
                #expect(certificates.currentCertificate(for: host) == nil)
                let plain = try await fetch(port: httpPort, host: host)
                #expect(plain.body.hasPrefix("broken\n"))
            }
        }
        await certificates.shutdown()
    }
}

private func isFailed(_ status: CertificateStatus?) -> Bool {
    if case .failed = status { return true }
    return false
}

private func isValid(_ status: CertificateStatus) -> Bool {
    if case .valid = status { return true }
    return false
}

private func attempts(_ status: CertificateStatus?) -> Int {
    if case .failed(_, let attempts, _, _) = status { return attempts }
    return 0
}
