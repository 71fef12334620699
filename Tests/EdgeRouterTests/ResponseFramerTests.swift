import NIOCore
import Testing

@testable import EdgeRouter

@Suite("Response framing")
struct ResponseFramerTests {
    /// Feeds `wire` to a framer in pieces of `step` bytes; returns the client's bytes and how many responses ended.
    static func relay(
        _ wire: String,
        step: Int,
        expectation: ResponseFramer.Expectation = .init(),
        eof: Bool = false
    ) throws -> (text: String, ends: Int, heads: [ResponseFramer.Head]) {
        let framer = ResponseFramer()
        framer.expect(expectation)
        var text = ""
        var ends = 0
        var heads: [ResponseFramer.Head] = []
        let bytes = Array(wire.utf8)
        var offset = 0
        while offset < bytes.count {
            let piece = ByteBuffer(bytes: bytes[offset..<min(offset + step, bytes.count)])
            try framer.feed(piece, allocator: ByteBufferAllocator()) { event in
                switch event {
                case .head(let head):
                    heads.append(head)
                    text += String(buffer: head.bytes)
                case .body(let body): text += String(buffer: body)
                case .end: ends += 1
                case .switched(let leftover): text += "<switched>" + String(buffer: leftover)
                }
            }
            offset += step
        }
        if eof && framer.feedEOF() { ends += 1 }
        return (text, ends, heads)
    }

    static let chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Private\r\nX-Private: 1\r\nX-Kept: 2\r\n\r\n"
        + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer-A: b\r\n\r\n"

    @Test("Chunked bodies pass through unchanged to HTTP/1.1 clients, however the bytes are split", arguments: [1, 2, 7, 1000])
    func chunkedRaw(step: Int) throws {
        let result = try Self.relay(Self.chunked, step: step)
        #expect(result.ends == 1)
        #expect(result.text.hasPrefix("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kept: 2\r\n\r\n"))
        #expect(result.text.hasSuffix("5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer-A: b\r\n\r\n"))
        #expect(!result.text.contains("X-Private"))
        #expect(result.heads.first?.upstreamKeepAlive == true)
    }

    @Test("Chunked bodies are de-chunked for HTTP/1.0 clients, which then lose keep-alive", arguments: [1, 5, 1000])
    func chunkedForHTTP10(step: Int) throws {
        var expectation = ResponseFramer.Expectation()
        expectation.clientMinorVersion = 0
        let result = try Self.relay(Self.chunked, step: step, expectation: expectation)
        #expect(result.ends == 1)
        #expect(result.text == "HTTP/1.0 200 OK\r\nX-Kept: 2\r\nconnection: close\r\n\r\nhello, world")
    }

    @Test("Content-Length, HEAD, 204 and informational responses")
    func fixedAndBodyless() throws {
        let fixed = try Self.relay("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", step: 2)
        #expect(fixed.ends == 1 && fixed.text.hasSuffix("\r\n\r\nabc"))

        var head = ResponseFramer.Expectation()
        head.isHead = true
        let headResult = try Self.relay("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", step: 100, expectation: head)
        #expect(headResult.ends == 1 && headResult.text.contains("Content-Length: 3"))

        let noContent = try Self.relay("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", step: 100)
        #expect(noContent.ends == 1 && !noContent.text.contains("chunked"))

        let continued = try Self.relay(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
            step: 3
        )
        #expect(continued.ends == 1)
        #expect(continued.heads.map(\.status) == [100, 201])
        #expect(continued.heads.map(\.isInformational) == [true, false])
    }

    @Test("A body without length runs to the end of the connection, which neither side keeps")
    func closeDelimited() throws {
        let result = try Self.relay("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", step: 4, eof: true)
        #expect(result.ends == 1)
        #expect(result.text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nconnection: close\r\n\r\nuntil the end")
        #expect(result.heads.first?.upstreamKeepAlive == false)
        #expect(result.heads.first?.clientKeepAlive == false)
    }

    @Test("101 hands the rest of the stream over; unasked-for bytes and bad framing are errors")
    func switchingAndErrors() throws {
        var upgrade = ResponseFramer.Expectation()
        upgrade.isUpgrade = true
        let switched = try Self.relay(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframe",
            step: 1000,
            expectation: upgrade
        )
        #expect(switched.text.contains("Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n<switched>frame"))

        #expect(throws: ResponseFramer.FramingError.self) {
            _ = try Self.relay("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab", step: 100)
        }
        #expect(throws: ResponseFramer.FramingError.self) {
            _ = try Self.relay("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", step: 100)
        }
        #expect(throws: ResponseFramer.FramingError.self) {
            _ = try Self.relay("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", step: 100)
        }
        #expect(throws: ResponseFramer.FramingError.self) {
            _ = try Self.relay("SMTP ready\r\n\r\n", step: 100)
        }
    }
}
