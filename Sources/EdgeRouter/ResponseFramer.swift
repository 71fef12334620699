import NIOCore

/// Splits a backend's byte stream into responses and relays them without decoding and re-encoding:
/// the head is parsed once to learn its status and framing and copied out with the hop-by-hop
/// headers removed; body bytes (chunked framing included) go to the client as the very buffers read.
///
/// This is the router's hot path. Decoding every response into `HTTPHeaders` (a `String` per
/// name and value) and encoding it again cost about as much as all the proxy's system calls.
///
/// A class, not a struct: what it reports can close the connection, which reports the end of the
/// stream to this same framer while `feed` is still running.
final class ResponseFramer {
    /// What the router knows about the request a response answers.
    struct Expectation {
        var isHead = false
        var isUpgrade = false
        var clientMinorVersion = 1
        var clientKeepAlive = true
    }

    /// A response head ready for the client.
    struct Head {
        var status: Int
        /// Status line and headers as the client gets them, blank line included.
        var bytes: ByteBuffer
        /// A 1xx other than 101: another head follows.
        var isInformational: Bool
        /// The backend connection may carry another request after this response.
        var upstreamKeepAlive: Bool
        /// The client connection may carry another request after this response.
        var clientKeepAlive: Bool
    }

    enum Event {
        case head(Head)
        case body(ByteBuffer)
        case end
        /// 101 Switching Protocols: from here on the connection is a tunnel; `leftover` was read past the head.
        case switched(leftover: ByteBuffer)
    }

    struct FramingError: Error, CustomStringConvertible {
        var description: String
    }

    private enum State {
        case idle
        case head
        case fixed(remaining: Int)
        /// `raw`: forward the chunked framing as is (HTTP/1.1 client); otherwise forward only data (HTTP/1.0).
        case chunked(ChunkedBodyScanner, raw: Bool)
        case untilClose
        case tunnel
    }

    /// Longest response head accepted.
    static let maxHeadSize = 64 * 1024

    private var state: State = .idle
    private var expectation = Expectation()
    private var carry: ByteBuffer?

    /// The body runs until the backend closes the connection.
    var readsUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// Prepares for the response to a request about to be sent.
    func expect(_ expectation: Expectation) {
        self.expectation = expectation
        state = .head
        carry = nil
    }

    /// Consumes bytes read from the backend, reporting what they complete.
    func feed(
        _ incoming: ByteBuffer,
        allocator: ByteBufferAllocator,
        emit: (Event) -> Void
    ) throws(FramingError) {
        var buffer: ByteBuffer
        if var carried = carry {
            var incoming = incoming
            carried.writeBuffer(&incoming)
            buffer = carried
            carry = nil
        } else {
            buffer = incoming
        }

        while buffer.readableBytes > 0 {
            switch state {
            case .idle:
                throw FramingError(description: "the backend sent bytes nobody asked for")
            case .tunnel:
                emit(.body(buffer))
                return
            case .head:
                guard let headLength = Self.headLength(in: buffer) else {
                    if buffer.readableBytes > Self.maxHeadSize {
                        throw FramingError(description: "the response head is larger than 64 KiB")
                    }
                    carry = buffer
                    return
                }
                let headBytes = buffer.readSlice(length: headLength)!
                let head = try parseHead(headBytes, allocator: allocator)
                emit(.head(head))
                switch state {
                case .tunnel:
                    emit(.switched(leftover: buffer))
                    return
                case .idle:
                    emit(.end)
                default:
                    continue
                }
            case .fixed(let remaining):
                let count = min(remaining, buffer.readableBytes)
                emit(.body(buffer.readSlice(length: count)!))
                if count == remaining {
                    state = .idle
                    emit(.end)
                } else {
                    state = .fixed(remaining: remaining - count)
                }
            case .chunked(var scanner, let raw):
                let finished = try scanner.consume(&buffer, raw: raw) { emit(.body($0)) }
                if finished {
                    state = .idle
                    emit(.end)
                } else {
                    state = .chunked(scanner, raw: raw)
                }
            case .untilClose:
                emit(.body(buffer.readSlice(length: buffer.readableBytes)!))
            }
        }
    }

    /// The backend closed the connection. Returns true when that completed the response
    /// (a close-delimited body), false when it cut one short or none was under way.
    func feedEOF() -> Bool {
        if case .untilClose = state {
            state = .idle
            return true
        }
        return false
    }

    // MARK: Heads

    /// Bytes up to and including the blank line ending the head, if it has arrived.
    static func headLength(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            var index = 3
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\n") {
                    if bytes[index - 1] == UInt8(ascii: "\r") && bytes[index - 2] == UInt8(ascii: "\n")
                        && bytes[index - 3] == UInt8(ascii: "\r")
                    {
                        return index + 1
                    }
                    index += 1
                } else if byte == UInt8(ascii: "\r") {
                    index += 1
                } else {
                    // Neither byte of CRLFCRLF: the terminator cannot end before index + 4.
                    index += 4
                }
            }
            return nil
        }
    }

    /// Parses a complete head, decides the body's framing (sets `state`) and builds the client's copy.
    private func parseHead(_ head: ByteBuffer, allocator: ByteBufferAllocator) throws(FramingError) -> Head {
        let expectation = self.expectation
        let parsed = try HeadLines.parse(head)
        let status = parsed.status

        var upstreamKeepAlive = parsed.minorVersion >= 1 ? !parsed.connectionClose : parsed.connectionKeepAlive
        var clientKeepAlive = expectation.clientKeepAlive
        var dropTransferEncoding = false
        let isInformational = status < 200 && status != 101

        if status == 101 {
            guard expectation.isUpgrade else {
                throw FramingError(description: "the backend switched protocols unasked")
            }
            state = .tunnel
            upstreamKeepAlive = false
        } else if isInformational {
            state = .head
        } else if expectation.isHead || status == 204 || status == 304 {
            state = .idle
            dropTransferEncoding = true
        } else if let coding = parsed.transferEncoding {
            if coding.isChunked {
                if expectation.clientMinorVersion >= 1 {
                    state = .chunked(ChunkedBodyScanner(), raw: true)
                } else {
                    state = .chunked(ChunkedBodyScanner(), raw: false)
                    dropTransferEncoding = true
                    clientKeepAlive = false
                }
            } else {
                // Not chunked last: the body runs to the end of the connection (RFC 9112 §6.3).
                state = .untilClose
                upstreamKeepAlive = false
                clientKeepAlive = false
            }
        } else if let length = parsed.contentLength {
            state = length == 0 ? .idle : .fixed(remaining: length)
        } else {
            state = .untilClose
            upstreamKeepAlive = false
            clientKeepAlive = false
        }

        var out = allocator.buffer(capacity: head.readableBytes + 48)
        out.writeStaticString("HTTP/1.")
        out.writeInteger(UInt8(ascii: expectation.clientMinorVersion >= 1 ? "1" : "0"))
        out.writeImmutableBuffer(head.getSlice(at: head.readerIndex + parsed.statusLineRest.lowerBound, length: parsed.statusLineRest.count)!)
        out.writeStaticString("\r\n")
        for line in parsed.lines {
            switch line.kind {
            case .hopByHop:
                continue
            case .upgrade where status != 101:
                continue
            case .connection where status != 101:
                continue
            case .transferEncoding where dropTransferEncoding:
                continue
            case .contentLength where parsed.transferEncoding != nil:
                // Transfer-Encoding overrides it, and a proxy removes it before forwarding (RFC 9112 §6.3).
                continue
            case .named where parsed.connectionTokens.contains(where: { Self.equalIgnoringCase(head, line.name, $0) }):
                continue
            default:
                out.writeImmutableBuffer(head.getSlice(at: head.readerIndex + line.range.lowerBound, length: line.range.count)!)
                out.writeStaticString("\r\n")
            }
        }
        if status != 101 && !isInformational {
            if !clientKeepAlive {
                out.writeStaticString("connection: close\r\n")
            } else if expectation.clientMinorVersion == 0 {
                out.writeStaticString("connection: keep-alive\r\n")
            }
        }
        out.writeStaticString("\r\n")
        return Head(
            status: status,
            bytes: out,
            isInformational: isInformational,
            upstreamKeepAlive: upstreamKeepAlive,
            clientKeepAlive: clientKeepAlive
        )
    }

    private static func equalIgnoringCase(_ head: ByteBuffer, _ range: Range<Int>, _ lowercased: [UInt8]) -> Bool {
        guard range.count == lowercased.count else { return false }
        return head.withUnsafeReadableBytes { bytes in
            for (offset, expected) in lowercased.enumerated() where bytes[range.lowerBound + offset] | 0x20 != expected {
                return false
            }
            return true
        }
    }
}
