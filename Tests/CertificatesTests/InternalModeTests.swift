import Certificates
import EdgeRouter
import RouterTestSupport
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SlipwayTestSupport
import Testing

@Suite("HTTPS with --tls internal")
struct InternalModeTests {
    @Test("a client trusting only the local CA opens every app over HTTPS, and the dyno sees https and the port")
    func everyAppOverHTTPS() async throws {
        let folder = try temporaryDirectory()
        let certificates = try InternalCertificates(folder: folder)
        try await withBackends("web", "review") { backends in
            try await withTLSRouter(certificates: certificates) { router, httpPort, httpsPort in
                await router.setBackends(app: "web", [backends[0].backend])
                await router.setBackends(app: "shop-pr-3", [backends[1].backend], hosts: ["pr-3.shop.test.local"])
                for (host, name) in [("web.test.local", "web"), ("pr-3.shop.test.local", "review")] {
                    let tls = ClientTLS(trustedRootsPEM: certificates.rootCertificatePEM, serverName: host)
                    let response = try await fetch(port: httpsPort, host: host, tls: tls)
                    #expect(response.status == .ok)
                    #expect(response.body.hasPrefix("\(name)\n"))
                    #expect(response.echoedHeader("x-forwarded-proto") == "https")
                    #expect(response.echoedHeader("x-forwarded-port") == String(httpsPort))
                }
                // The plain port carries on as before: HTTP, and the dyno is told so.
                let plain = try await fetch(port: httpPort, host: "web.test.local")
                #expect(plain.echoedHeader("x-forwarded-proto") == "http")
                #expect(plain.echoedHeader("x-forwarded-port") == String(httpPort))
            }
        }
        // Keys are the owner's only.
        let keys = [folder.appendingPathComponent("ca/root.key"),
                    folder.appendingPathComponent("hosts/web.test.local/key.pem"),
                    folder.appendingPathComponent("hosts/pr-3.shop.test.local/key.pem")]
        for key in keys {
            let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key.path)")
        }
    }

    @Test("the CA and the host certificates survive a restart and are not issued again")
    func survivesRestart() async throws {
        let folder = try temporaryDirectory()
        let first = try InternalCertificates(folder: folder)
        let issued = try first.ensureCertificate(for: "web.test.local")
        let second = try InternalCertificates(folder: folder)
        #expect(second.rootCertificatePEM == first.rootCertificatePEM)
        #expect(try second.ensureCertificate(for: "web.test.local").serial == issued.serial)
        // Due for renewal (two thirds into its 30 days): a new certificate.
        let later = issued.notBefore.addingTimeInterval(21 * 24 * 3600)
        #expect(second.renewDue(now: later) == ["web.test.local"])
        #expect(try second.ensureCertificate(for: "web.test.local", now: later).serial != issued.serial)
    }

    @Test("an unknown SNI gets a TLS alert and never another app's certificate; so does a client without SNI")
    func unknownServerName() async throws {
        let folder = try temporaryDirectory()
        let certificates = try InternalCertificates(folder: folder)
        try await withBackends("web") { backends in
            try await withTLSRouter(certificates: certificates) { router, _, httpsPort in
                await router.setBackends(app: "web", [backends[0].backend])
                // NIO client: the handshake must fail. It reads the server's alert as an NIOSSLError, or, when the
                // server's close wins the race to the client's next write, as a closed channel; never a response.
                let tls = ClientTLS(trustedRootsPEM: certificates.rootCertificatePEM, serverName: "other.test.local")
                do {
                    _ = try await fetch(port: httpsPort, host: "other.test.local", tls: tls)
                    Issue.record("an unknown server name got an answer over TLS")
                } catch is NIOSSLError {
                } catch ChannelError.ioOnClosedChannel {
                }
                // openssl shows what went over the wire: an alert, and no certificate at all.
                try #require(requiredInCI(toolExists("openssl")), "openssl is needed")
                for arguments in [["-servername", "other.test.local"], ["-noservername"]] {
                    let output = try opensslConnect(port: httpsPort, arguments)
                    #expect(output.contains("alert"), "\(output)")
                    #expect(!output.contains("BEGIN CERTIFICATE"), "\(output)")
                    #expect(output.contains("no peer certificate available"), "\(output)")
                }
                // The known host still gets its own.
                let good = try opensslConnect(port: httpsPort, ["-servername", "web.test.local"])
                #expect(good.contains("CN = web.test.local") || good.contains("CN=web.test.local"), "\(good)")
            }
        }
    }

    @Test("a WebSocket upgrade works over TLS, frames both ways")
    func webSocketOverTLS() async throws {
        let folder = try temporaryDirectory()
        let certificates = try InternalCertificates(folder: folder)
        let backend = try await WebSocketEchoBackend.start()
        defer { Task { await backend.stop() } }
        try await withTLSRouter(certificates: certificates) { router, _, httpsPort in
            await router.setBackends(app: "ws", [Backend(port: backend.port)])
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .certificates(
                try NIOSSLCertificate.fromPEMBytes(Array(certificates.rootCertificatePEM.utf8)))
            let context = try NIOSSLContext(configuration: configuration)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: httpsPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: "ws.test.local"))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                var reader = inbound.makeAsyncIterator()
                try await outbound.write(ByteBuffer(string: """
                    GET /chat HTTP/1.1\r
                    Host: ws.test.local\r
                    Upgrade: websocket\r
                    Connection: Upgrade\r
                    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                    Sec-WebSocket-Version: 13\r
                    \r

                    """))
                var received = ByteBuffer()
                while received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
                    guard var more = try await reader.next() else { throw TestClientError(description: "closed") }
                    received.writeBuffer(&more)
                }
                let head = String(buffer: received)
                #expect(head.hasPrefix("HTTP/1.1 101"))
                #expect(head.lowercased().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="))
                received.moveReaderIndex(to: received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound)
                for message in ["hello", "over TLS"] {
                    try await outbound.write(maskedTextFrame(message))
                    let expected = [0x81, UInt8(message.utf8.count)] + Array(message.utf8)
                    while received.readableBytes < expected.count {
                        guard var more = try await reader.next() else { throw TestClientError(description: "closed") }
                        received.writeBuffer(&more)
                    }
                    #expect(received.readBytes(length: expected.count) == expected)
                }
            }
        }
    }

    @Test("--redirect-http answers plain requests with a 308 to the same URL on the HTTPS port")
    func redirectHTTP() async throws {
        let certificates = try InternalCertificates(folder: try temporaryDirectory())
        try await withBackends("web") { backends in
            try await withTLSRouter(certificates: certificates, redirectHTTP: true) { router, httpPort, httpsPort in
                await router.setBackends(app: "web", [backends[0].backend])
                let response = try await fetch(port: httpPort, host: "web.test.local:\(httpPort)", path: "/a?b=1")
                #expect(response.status == .permanentRedirect)
                #expect(response.headers.first(name: "location") == "https://web.test.local:\(httpsPort)/a?b=1")
                #expect(backends[0].events.withLock { $0.requests } == 0)
            }
        }
    }
}

/// `openssl s_client` against the router; its combined output (the handshake's fate is in it).
func opensslConnect(port: Int, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-showcerts"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// A client frame (clients must mask) carrying `text`, shorter than 126 bytes.
func maskedTextFrame(_ text: String) -> ByteBuffer {
    let payload = Array(text.utf8)
    let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
    var frame: [UInt8] = [0x81, 0x80 | UInt8(payload.count)] + mask
    frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    return ByteBuffer(bytes: frame)
}
