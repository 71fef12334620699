import EdgeRouter
import RouterTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@Suite("Streaming and WebSocket")
struct StreamingTests {
    @Test("Server-sent events reach the client as they are written")
    func serverSentEvents() async throws {
        try await withBackends("events") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "events", [backends[0].backend])
                let response = try await fetch(port: port, host: "events.test.local", path: "/sse")
                #expect(response.status == .ok)
                #expect(response.body == "data: event 1\n\ndata: event 2\n\ndata: event 3\n\n")
                let firstArrival = try #require(response.chunkArrivals.first?.at)
                let lastWritten = try #require(backends[0].events.withLock { $0.lastEventWrittenAt })
                #expect(firstArrival < lastWritten, "the first event waited for the last one")
                #expect(response.chunkArrivals.count >= 3)
            }
        }
    }

    @Test("A large request body streams through to the backend intact")
    func streamingUpload() async throws {
        try await withBackends("sink") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "sink", [backends[0].backend])
                var chunks: [ByteBuffer] = []
                var expectedSum: UInt64 = 0
                for index in 0..<48 {
                    let bytes = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
                    expectedSum = bytes.reduce(expectedSum) { $0 &+ UInt64($1) }
                    chunks.append(ByteBuffer(bytes: bytes))
                }
                try await TestConnection.with(port: port) { connection in
                    let response = try await connection.request(
                        host: "sink.test.local",
                        path: "/upload",
                        method: .POST,
                        body: chunks,
                        pauseBeforeLastChunk: .milliseconds(200)
                    )
                    #expect(response.status == .ok)
                    #expect(response.body == "bytes=\(48 * 65_536) sum=\(expectedSum)")
                    let firstReceived = try #require(backends[0].events.withLock { $0.firstUploadChunkAt })
                    let lastSent = try #require(connection.lastChunkSentAt)
                    #expect(firstReceived < lastSent, "the backend saw nothing until the upload ended")
                }
            }
        }
    }

    @Test("WebSocket upgrades are passed through and frames relayed both ways")
    func webSocket() async throws {
        let backend = try await WebSocketEchoBackend.start()
        defer { Task { await backend.stop() } }
        try await withRouter { router, port in
            await router.setBackends(app: "ws", [Backend(port: backend.port)])
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                var reader = inbound.makeAsyncIterator()
                let handshake = """
                    GET /chat HTTP/1.1\r
                    Host: ws.test.local\r
                    Upgrade: websocket\r
                    Connection: Upgrade\r
                    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                    Sec-WebSocket-Version: 13\r
                    \r

                    """
                try await outbound.write(ByteBuffer(string: handshake))
                var received = ByteBuffer()
                while received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
                    guard var more = try await reader.next() else { throw TestClientError(description: "closed") }
                    received.writeBuffer(&more)
                }
                let headText = String(buffer: received)
                #expect(headText.hasPrefix("HTTP/1.1 101"))
                #expect(headText.lowercased().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="))
                let headEnd = received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound
                received.moveReaderIndex(to: headEnd)

                for message in ["hello", "through the router"] {
                    try await outbound.write(Self.maskedTextFrame(message))
                    let expected = [0x81, UInt8(message.utf8.count)] + Array(message.utf8)
                    while received.readableBytes < expected.count {
                        guard var more = try await reader.next() else { throw TestClientError(description: "closed") }
                        received.writeBuffer(&more)
                    }
                    #expect(received.readBytes(length: expected.count) == expected)
                }
            }
            try await waitUntil { await router.inFlightRequests(app: "ws") == 0 }
        }
    }

    /// A client frame (clients must mask) carrying `text`, shorter than 126 bytes.
    static func maskedTextFrame(_ text: String) -> ByteBuffer {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var frame: [UInt8] = [0x81, 0x80 | UInt8(payload.count)] + mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return ByteBuffer(bytes: frame)
    }
}
