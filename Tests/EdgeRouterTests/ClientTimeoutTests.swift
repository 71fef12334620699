import EdgeRouter
import NIOCore
import NIOPosix
import Testing

/// The client side's loose ends, probed over raw sockets: slow and idle clients, bare LFs, broken chunk
/// sizes and absolute-form targets.
@Suite("Client timeouts and framing edge cases")
struct ClientTimeoutTests {
    /// A raw connection: writes what the test says when it says, reads everything until the router closes.
    static func session(
        port: Int,
        _ script: @escaping @Sendable (NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Void
    ) async throws -> (text: String, closedAfter: Duration) {
        let started = ContinuousClock.now
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let writer = Task { try? await script(outbound) }
            defer { writer.cancel() }
            var text = ""
            for try await chunk in inbound { text += String(buffer: chunk) }
            return (text, ContinuousClock.now - started)
        }
    }

    @Test("A slowloris client gets a 408 within the header timeout while others are served")
    func slowloris() async throws {
        try await withBackends("a") { backends in
            try await withRouter({ $0.headerTimeout = .milliseconds(400) }) { router, port in
                await router.setBackends(app: "a", [backends[0].backend])
                async let slow = Self.session(port: port) { out in
                    try await out.write(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a.test.local\r\n"))
                    // One header byte every 50 ms, then silence: the head never completes. The trickle stops
                    // before the timeout because the router closes without lingering: bytes that reach a closed
                    // socket are answered with a reset, which can make the client's read fail before it sees
                    // the 408 (nginx's lingering_close drains them; the router does not yet).
                    for _ in 0..<5 {
                        try await Task.sleep(for: .milliseconds(50))
                        try await out.write(ByteBuffer(string: "X"))
                    }
                }
                // Meanwhile a normal client is answered at once.
                let normal = try await PipeliningTests.exchange(port: port, "GET / HTTP/1.1\r\nHost: a.test.local\r\n\r\n") {
                    $0.contains("host: a.test.local")
                }
                #expect(normal.hasPrefix("HTTP/1.1 200"))
                let (text, closedAfter) = try await slow
                #expect(text.hasPrefix("HTTP/1.1 408"))
                #expect(text.lowercased().contains("connection: close"))
                #expect(closedAfter >= .milliseconds(350) && closedAfter < .seconds(3))
            }
        }
    }

    @Test("An idle keep-alive connection closes after the keep-alive timeout; a silent new one after the header timeout")
    func idleTimeouts() async throws {
        try await withBackends("a") { backends in
            try await withRouter({
                $0.headerTimeout = .milliseconds(300)
                $0.keepAliveTimeout = .milliseconds(700)
            }) { router, port in
                await router.setBackends(app: "a", [backends[0].backend])
                let (text, closedAfter) = try await Self.session(port: port) { out in
                    try await out.write(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a.test.local\r\n\r\n"))
                }
                #expect(text.hasPrefix("HTTP/1.1 200"))
                #expect(closedAfter >= .milliseconds(650) && closedAfter < .seconds(3))

                let silent = try await Self.session(port: port) { _ in }
                #expect(silent.text.isEmpty)
                #expect(silent.closedAfter >= .milliseconds(250) && silent.closedAfter < .milliseconds(650))
            }
        }
    }

    @Test("A head whose lines end in a bare LF is a 400 at once")
    func bareLineFeed() async throws {
        try await withBackends("a") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "a", [backends[0].backend])
                let text = try await PipeliningTests.exchange(port: port, "GET / HTTP/1.1\nHost: a.test.local\n\n") {
                    $0.contains("</html>")
                }
                #expect(text.hasPrefix("HTTP/1.1 400"))
                #expect(backends[0].events.withLock { $0.requests } == 0)
            }
        }
    }

    @Test("A malformed chunk size in a request body is a 400, not a silent close")
    func malformedChunkSize() async throws {
        try await withBackends("a") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "a", [backends[0].backend])
                let request = "POST /upload HTTP/1.1\r\nHost: a.test.local\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n"
                let (text, _) = try await Self.session(port: port) { out in
                    try await out.write(ByteBuffer(string: request))
                }
                #expect(text.hasPrefix("HTTP/1.1 400"))
                #expect(text.lowercased().contains("connection: close"))
            }
        }
    }

    @Test("An absolute-form target is routed by the URI's host, not the Host header")
    func absoluteForm() async throws {
        try await withBackends("a", "b") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "a", [backends[0].backend])
                await router.setBackends(app: "b", [backends[1].backend])
                let text = try await PipeliningTests.exchange(
                    port: port, "GET http://user@A.test.local:5000/x?y HTTP/1.1\r\nHost: b.test.local\r\n\r\n"
                ) { $0.contains("host: b.test.local") }
                #expect(text.hasPrefix("HTTP/1.1 200"))
                let body = try #require(text.firstRange(of: "\r\n\r\n")).upperBound
                #expect(text[body...].hasPrefix("a\n"))
                // A URI host with no app is a 404, whatever the Host header says.
                let second = try await PipeliningTests.exchange(
                    port: port, "GET http://nobody.test.local/ HTTP/1.1\r\nHost: a.test.local\r\n\r\n"
                ) { $0.contains("</html>") }
                #expect(second.hasPrefix("HTTP/1.1 404"))
            }
        }
    }
}
