import Foundation

/// Let's Encrypt's test ACME server (Debian's `pebble`), started on loopback for one test, with
/// `pebble-challtestsrv` as its DNS server answering 127.0.0.1 for every name: the HTTP-01 validation really
/// connects to `httpPort` on loopback, where the router listens. No `PEBBLE_VA_ALWAYS_VALID`.
final class Pebble {
    let directoryURL: String
    /// The CA that signed pebble's own HTTPS listener (`--acme-ca-bundle`).
    let listenerCABundle: URL
    /// The root pebble issues certificates under (what a client trusts: `curl --cacert`).
    let issuingRootPEM: String
    private let processes: [Process]

    static var isInstalled: Bool { toolExists("pebble") && toolExists("pebble-challtestsrv") && toolExists("openssl") }

    /// - Parameters:
    ///   - httpPort: where pebble's validator connects for HTTP-01 (the router's plain port).
    ///   - validitySeconds: lifetime of issued certificates (pebble's default is five years).
    init(httpPort: Int, validitySeconds: Int? = nil) async throws {
        let folder = try temporaryDirectory()
        let authority = try OpenSSLAuthority(folder: folder, name: "pebble listener CA")
        let listener = try authority.issue(["localhost", "IP:127.0.0.1"], file: "listener")
        listenerCABundle = authority.rootURL
        let acmePort = try await freePort()
        let managementPort = try await freePort()
        let dnsPort = try await freePort()
        let challengeManagementPort = try await freePort()
        let unusedTLSPort = try await freePort()
        var settings: [String: Any] = [
            "listenAddress": "127.0.0.1:\(acmePort)",
            "managementListenAddress": "127.0.0.1:\(managementPort)",
            "certificate": listener.certificate.path,
            "privateKey": listener.key.path,
            "httpPort": httpPort,
            "tlsPort": unusedTLSPort,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": false,
        ]
        if let validitySeconds { settings["certificateValidityPeriod"] = validitySeconds }
        let config = folder.appendingPathComponent("pebble.json")
        try JSONSerialization.data(withJSONObject: ["pebble": settings]).write(to: config)

        let dns = Process()
        dns.executableURL = URL(fileURLWithPath: "/usr/bin/pebble-challtestsrv")
        dns.arguments = ["-dns01", "127.0.0.1:\(dnsPort)", "-http01", "", "-https01", "", "-tlsalpn01", "",
                         "-management", "127.0.0.1:\(challengeManagementPort)",
                         "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""]
        dns.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        dns.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/pebble")
        server.arguments = ["-config", config.path, "-dnsserver", "127.0.0.1:\(dnsPort)"]
        var environment = ProcessInfo.processInfo.environment
        environment["PEBBLE_VA_NOSLEEP"] = "1"  // validate at once instead of after up to 15 s
        environment["PEBBLE_AUTHZREUSE"] = "0"  // every order (renewals too) is validated again
        server.environment = environment
        let log = FileManager.default.createFile(atPath: folder.appendingPathComponent("pebble.log").path, contents: nil)
        _ = log
        server.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("pebble.log"))
        server.standardError = server.standardOutput
        try dns.run()
        try server.run()
        processes = [server, dns]
        directoryURL = "https://localhost:\(acmePort)/dir"

        var root = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if let text = try? run("curl", ["-sf", "--cacert", authority.rootURL.path,
                                            "https://localhost:\(managementPort)/roots/0"]),
                text.contains("BEGIN CERTIFICATE"),
                (try? run("curl", ["-sf", "--cacert", authority.rootURL.path, directoryURL])) != nil
            {
                root = text
                break
            }
            guard ContinuousClock.now < deadline, server.isRunning else {
                let output = (try? String(contentsOf: folder.appendingPathComponent("pebble.log"), encoding: .utf8)) ?? ""
                stopProcesses([server, dns])
                throw TestClientError(description: "pebble did not start: \(output.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        issuingRootPEM = root
    }

    func stop() {
        stopProcesses(processes)
    }
}

private func stopProcesses(_ processes: [Process]) {
    for process in processes where process.isRunning {
        process.terminate()
        process.waitUntilExit()
    }
}
