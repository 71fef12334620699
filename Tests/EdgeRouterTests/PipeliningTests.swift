import EdgeRouter
import NIOCore
import NIOPosix
import Testing

@Suite("Raw HTTP/1.1 on the client connection")
struct PipeliningTests {
    /// Sends `request` bytes on a fresh connection and reads until `done` says the text is complete.
    static func exchange(port: Int, _ request: String, until done: @escaping (String) -> Bool) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var text = ""
            for try await chunk in inbound {
                text += String(buffer: chunk)
                if done(text) { break }
            }
            return text
        }
    }

    @Test("Pipelined requests are answered in order")
    func pipelining() async throws {
        try await withBackends("p") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "p", [backends[0].backend])
                let request =
                    "GET /slow/150 HTTP/1.1\r\nHost: p.test.local\r\n\r\n"
                    + "GET /status/202 HTTP/1.1\r\nHost: p.test.local\r\n\r\n"
                    + "GET /status/203 HTTP/1.1\r\nHost: p.test.local\r\n\r\n"
                let text = try await Self.exchange(port: port, request) { $0.contains("status 203") }
                let slow = try #require(text.firstRange(of: "slow p"))
                let second = try #require(text.firstRange(of: "status 202"))
                let third = try #require(text.firstRange(of: "status 203"))
                #expect(slow.upperBound <= second.lowerBound && second.upperBound <= third.lowerBound)
            }
        }
    }

    @Test("An HTTP/1.0 client gets a de-chunked streamed response and the connection closes")
    func http10Client() async throws {
        try await withBackends("old") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "old", [backends[0].backend])
                let request = "GET /sse HTTP/1.0\r\nHost: old.test.local\r\n\r\n"
                // Reads until the router closes the connection (the body has no length).
                let text = try await Self.exchange(port: port, request) { _ in false }
                #expect(text.hasPrefix("HTTP/1.0 200 OK\r\n"))
                #expect(text.lowercased().contains("connection: close"))
                #expect(!text.lowercased().contains("transfer-encoding"))
                #expect(text.hasSuffix("\r\n\r\ndata: event 1\n\ndata: event 2\n\ndata: event 3\n\n"))
            }
        }
    }

    @Test("A request that is not HTTP gets a 400 and the connection closes")
    func badRequest() async throws {
        try await withRouter { _, port in
            let text = try await Self.exchange(port: port, "NOT HTTP AT ALL\r\n\r\n") { $0.contains("</html>") }
            #expect(text.hasPrefix("HTTP/1.1 400"))
            #expect(text.lowercased().contains("connection: close"))
        }
    }
}
