import NIOCore
import Testing

@testable import EdgeRouter

@Suite("Request framing")
struct RequestFramerTests {
    struct Relayed {
        var heads: [RequestHead] = []
        /// Body bytes per request, in order.
        var bodies: [String] = []
        var ends = 0
        var upstreamHeads: [String] = []
    }

    /// Feeds `wire` to a framer in pieces of `step` bytes, as a client's reads would arrive.
    static func relay(_ wire: String, step: Int, framer: RequestFramer = RequestFramer()) throws -> Relayed {
        var relayed = Relayed()
        var ids = RequestIDGenerator()
        let bytes = Array(wire.utf8)
        var offset = 0
        while offset < bytes.count {
            let piece = ByteBuffer(bytes: bytes[offset..<min(offset + step, bytes.count)])
            try framer.feed(piece) { event in
                switch event {
                case .head(let head):
                    relayed.heads.append(head)
                    relayed.bodies.append("")
                    let forwarding = UpstreamRequestWriter.Forwarding(clientAddress: "10.1.1.1", port: "5000", proto: "http")
                    let upstream = UpstreamRequestWriter.head(head, forwarding: forwarding, allocator: ByteBufferAllocator(),
                                                              requestIDs: &ids)
                    relayed.upstreamHeads.append(String(buffer: upstream))
                case .body(let body): relayed.bodies[relayed.bodies.count - 1] += String(buffer: body)
                case .end: relayed.ends += 1
                }
            }
            offset += step
        }
        return relayed
    }

    static let pipelined =
        "\r\nGET /a?x=1 HTTP/1.1\r\nHost: Shop.Example:5000\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
        + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: https\r\nX-Request-Id: abc-123\r\nAccept: */*\r\n\r\n"
        + "POST /upload HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 5\r\n\r\nhello"
        + "PUT /chunks HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n"
        + "HEAD / HTTP/1.0\r\nHost: shop.example\r\n\r\n"

    @Test("Pipelined requests with no, fixed and chunked bodies, however the bytes are split", arguments: [1, 3, 17, 4096])
    func pipelinedRequests(step: Int) throws {
        let relayed = try Self.relay(Self.pipelined, step: step)
        #expect(relayed.heads.count == 4)
        #expect(relayed.ends == 4)
        #expect(relayed.heads.map(\.method) == [.get, .other, .put, .head])
        #expect(relayed.heads.map(\.body) == [.none, .length(5), .chunked, .none])
        #expect(relayed.heads.map(\.keepAlive) == [true, true, true, false])
        #expect(relayed.heads[0].host == "Shop.Example:5000")
        #expect(relayed.heads[0].hostEquals("Shop.Example:5000") && !relayed.heads[0].hostEquals("shop.example"))
        // Chunked framing (extensions and trailers too) is relayed as it came.
        #expect(relayed.bodies == ["", "hello", "3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n", ""])

        let first = relayed.upstreamHeads[0]
        #expect(first.hasPrefix("GET /a?x=1 HTTP/1.1\r\nHost: Shop.Example:5000\r\n"))
        #expect(first.contains("X-Request-Id: abc-123\r\nAccept: */*\r\n"))
        #expect(first.contains("x-forwarded-for: 10.0.0.9, 10.1.1.1\r\nx-forwarded-proto: http\r\nx-forwarded-port: 5000\r\n"))
        #expect(!first.contains("X-Hop") && !first.contains("Connection") && !first.contains("https"))
        #expect(!first.contains("x-request-id"), "the client's sane id is kept, not replaced")
        #expect(first.hasSuffix("\r\n\r\n"))
        // HTTP/1.0 in, HTTP/1.1 out, with a fresh request id.
        let last = relayed.upstreamHeads[3]
        #expect(last.hasPrefix("HEAD / HTTP/1.1\r\n"))
        #expect(last.contains("x-request-id: "))
    }

    @Test("An upgrade request holds what follows it for the tunnel")
    func upgradeHoldsBytes() throws {
        let framer = RequestFramer()
        let wire = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nframe-1"
        let relayed = try Self.relay(wire, step: 5, framer: framer)
        #expect(relayed.heads.count == 1 && relayed.ends == 1)
        #expect(relayed.heads[0].isUpgrade)
        #expect(relayed.upstreamHeads[0].contains("Upgrade: websocket\r\n"))
        #expect(relayed.upstreamHeads[0].contains("connection: upgrade\r\n"))
        #expect(framer.takeUpgradeBytes().map { String(buffer: $0) } == "frame-1")
        #expect(framer.heldBytes == 0)
    }

    @Test(
        "Requests that are not HTTP/1, or that could be smuggled, are errors",
        arguments: [
            "GARBAGE\r\n\r\n",
            "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
            "GET  HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ]
    )
    func malformed(wire: String) {
        #expect(throws: ResponseFramer.FramingError.self) { try Self.relay(wire, step: 4096) }
    }

    @Test("A head past 80 KiB is an error, not a buffer that grows without end")
    func oversizedHead() {
        let wire = "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 90 * 1024)
        #expect(throws: ResponseFramer.FramingError.self) { try Self.relay(wire, step: 8192) }
    }
}
