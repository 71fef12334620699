import NIOCore

/// Writes the request head a backend receives, as bytes, straight from the client's: the request
/// line and every header line are copied as they arrived, except hop-by-hop ones and any
/// `X-Forwarded-Proto/Port` the client sent; then the router's own headers are appended.
enum UpstreamRequestWriter {
    /// What the router adds to every request.
    struct Forwarding {
        var clientAddress: String
        var port: String
        var proto: String
    }

    /// The head for the backend, always HTTP/1.1 on a persistent connection.
    static func head(
        _ request: RequestHead,
        forwarding: Forwarding,
        allocator: ByteBufferAllocator,
        requestIDs: inout RequestIDGenerator
    ) -> ByteBuffer {
        let source = request.bytes
        let base = source.readerIndex
        func slice(_ range: Range<Int>) -> ByteBuffer {
            source.getSlice(at: base + range.lowerBound, length: range.count)!
        }

        var buffer = allocator.buffer(capacity: source.readableBytes + 192)
        buffer.writeImmutableBuffer(slice(request.methodAndTarget))
        buffer.writeStaticString(" HTTP/1.1\r\n")

        let fields = request.fields
        var forwardedFor: [Range<Int>] = []
        var keptRequestID = false
        for line in fields.lines {
            switch line.kind {
            case .connection, .hopByHop, .forwardedOwn:
                continue
            case .upgrade where !request.isUpgrade:
                continue
            case .forwardedFor:
                // Appended to, below.
                forwardedFor.append(line.value)
                continue
            case .requestID:
                guard !keptRequestID, source.withUnsafeReadableBytes({
                    RequestIDGenerator.isAcceptable(UnsafeRawBufferPointer(rebasing: $0[line.value]))
                }) else { continue }
                keptRequestID = true
            default:
                // Names listed in `Connection` are hop-by-hop too; rare, so only looked for when present.
                if !fields.connectionTokens.isEmpty && isListed(line.name, in: source, tokens: fields.connectionTokens) {
                    continue
                }
            }
            buffer.writeImmutableBuffer(slice(line.range))
            buffer.writeStaticString("\r\n")
        }

        buffer.writeStaticString("x-forwarded-for: ")
        for range in forwardedFor where !range.isEmpty {
            buffer.writeImmutableBuffer(slice(range))
            buffer.writeStaticString(", ")
        }
        buffer.writeString(forwarding.clientAddress)
        buffer.writeStaticString("\r\nx-forwarded-proto: ")
        buffer.writeString(forwarding.proto)
        buffer.writeStaticString("\r\nx-forwarded-port: ")
        buffer.writeString(forwarding.port)
        buffer.writeStaticString("\r\n")
        if !keptRequestID {
            buffer.writeStaticString("x-request-id: ")
            requestIDs.write(into: &buffer)
            buffer.writeStaticString("\r\n")
        }
        if request.isUpgrade { buffer.writeStaticString("connection: upgrade\r\n") }
        buffer.writeStaticString("\r\n")
        return buffer
    }

    private static func isListed(_ name: Range<Int>, in source: ByteBuffer, tokens: [[UInt8]]) -> Bool {
        source.withUnsafeReadableBytes { bytes in
            let name = UnsafeRawBufferPointer(rebasing: bytes[name])
            return tokens.contains { token in
                token.count == name.count && zip(token, name).allSatisfy { $0 == $1 | 0x20 }
            }
        }
    }
}
