import Certificates
import EdgeRouter
import Foundation
import Synchronization
import SlipwayTestSupport
import Testing

@Suite("HTTPS with --tls files")
struct FilesModeTests {
    @Test("a wildcard certificate from files serves two apps; replacing the files swaps it without a restart")
    func wildcardAndReload() async throws {
        try #require(requiredInCI(toolExists("openssl")), "openssl is needed to make the certificates")
        let folder = try temporaryDirectory()
        let authority = try OpenSSLAuthority(folder: folder)
        let first = try authority.issue(["*.test.local"], file: "first")
        let served = folder.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        let certificateFile = served.appendingPathComponent("cert.pem")
        let keyFile = served.appendingPathComponent("key.pem")
        try FileManager.default.copyItem(at: first.certificate, to: certificateFile)
        try FileManager.default.copyItem(at: first.key, to: keyFile)
        let reloads = Reloads()
        let certificates = try FileCertificates(
            certificate: certificateFile, key: keyFile, pollInterval: .milliseconds(100)
        ) { result in reloads.record(result) }
        defer { certificates.stop() }

        try await withBackends("a", "b") { backends in
            try await withTLSRouter(certificates: certificates) { router, _, httpsPort in
                await router.setBackends(app: "a", [backends[0].backend])
                await router.setBackends(app: "b", [backends[1].backend])
                var firstSerials: [[UInt8]] = []
                for (app, host) in [("a", "a.test.local"), ("b", "b.test.local")] {
                    try await TestConnection.with(port: httpsPort,
                                                  tls: ClientTLS(trustedRootsPEM: authority.rootPEM, serverName: host)) { connection in
                        let response = try await connection.request(host: host)
                        #expect(response.body.hasPrefix("\(app)\n"))
                        firstSerials.append(connection.peerCertificate?.serialNumber ?? [])
                    }
                }
                #expect(firstSerials[0] == firstSerials[1])

                // A broken replacement (key of another certificate) is refused; the old pair stays.
                let other = try authority.issue(["*.test.local"], file: "other")
                try Data(contentsOf: other.key).write(to: keyFile)
                try await waitUntil("the broken pair to be seen") { reloads.failures > 0 }
                let stillFirst = try await TestConnection.with(
                    port: httpsPort, tls: ClientTLS(trustedRootsPEM: authority.rootPEM, serverName: "a.test.local")
                ) { connection in
                    _ = try await connection.request(host: "a.test.local")
                    return connection.peerCertificate?.serialNumber ?? []
                }
                #expect(stillFirst == firstSerials[0])

                // The matching pair: new handshakes get the new certificate.
                try Data(contentsOf: other.certificate).write(to: certificateFile)
                try await waitUntil("the new pair to load") { reloads.successes > 0 }
                let second = try await TestConnection.with(
                    port: httpsPort, tls: ClientTLS(trustedRootsPEM: authority.rootPEM, serverName: "b.test.local")
                ) { connection in
                    let response = try await connection.request(host: "b.test.local")
                    #expect(response.body.hasPrefix("b\n"))
                    return connection.peerCertificate?.serialNumber ?? []
                }
                #expect(second != firstSerials[0])
                #expect(certificates.current?.serial == second.map { String(format: "%02x", $0) }.joined())
            }
        }
    }

    @Test("a certificate that does not cover the SNI host is not presented")
    func notCovered() async throws {
        try #require(requiredInCI(toolExists("openssl")), "openssl is needed to make the certificates")
        let folder = try temporaryDirectory()
        let authority = try OpenSSLAuthority(folder: folder)
        let pair = try authority.issue(["*.test.local"], file: "wild")
        let certificates = try FileCertificates(certificate: pair.certificate, key: pair.key)
        defer { certificates.stop() }
        try await withTLSRouter(certificates: certificates) { _, _, httpsPort in
            // One label only: `*.test.local` does not cover `x.y.test.local` or `test.local`.
            for host in ["x.y.test.local", "test.local", "elsewhere.example"] {
                let output = try opensslConnect(port: httpsPort, ["-servername", host])
                #expect(output.contains("no peer certificate available"), "\(host): \(output)")
            }
        }
    }

    @Test("files that do not load are refused at start, naming the file")
    func badFiles() throws {
        let folder = try temporaryDirectory()
        let certificate = folder.appendingPathComponent("cert.pem")
        try "not a certificate".write(to: certificate, atomically: true, encoding: .utf8)
        #expect {
            _ = try FileCertificates(certificate: certificate, key: folder.appendingPathComponent("missing.key"))
        } throws: { error in
            "\(error)".contains("missing.key")
        }
        #expect {
            _ = try FileCertificates(certificate: certificate, key: certificate)
        } throws: { error in
            "\(error)".contains(certificate.path)
        }
    }
}

/// What the file watcher reported.
final class Reloads: Sendable {
    private let counts = Mutex((successes: 0, failures: 0))
    var successes: Int { counts.withLock { $0.successes } }
    var failures: Int { counts.withLock { $0.failures } }

    func record(_ result: Result<IssuedCertificate, CertificateError>) {
        counts.withLock {
            switch result {
            case .success: $0.successes += 1
            case .failure: $0.failures += 1
            }
        }
    }
}
