import NIOCore
import NIOHTTP1

/// Writes the request a backend receives as bytes, straight from the client's decoded head: one
/// pass over the headers drops hop-by-hop ones and any `X-Forwarded-*` the client sent, then the
/// router's own are appended. Nothing is copied into a new `HTTPHeaders` and no encoder runs.
enum UpstreamRequestWriter {
    /// What the router adds to every request.
    struct Forwarding {
        var clientAddress: String
        var port: String
        var proto: String
    }

    /// Whether the request asks to switch protocols (`Connection: upgrade` + `Upgrade: …`), e.g. WebSocket.
    static func isUpgradeRequest(_ head: HTTPRequestHead) -> Bool {
        guard head.headers.contains(name: "upgrade") else { return false }
        return head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }

    /// The head for the backend, always HTTP/1.1 on a persistent connection.
    static func head(
        _ head: HTTPRequestHead,
        forwarding: Forwarding,
        isUpgrade: Bool,
        allocator: ByteBufferAllocator,
        makeRequestID: () -> String
    ) -> ByteBuffer {
        // Names listed in `Connection` are hop-by-hop too; rare, so only looked for when present.
        var listed: [String] = []
        if head.headers.contains(name: "connection") {
            for token in head.headers[canonicalForm: "connection"] {
                let name = token.lowercased()
                if name != "close" && name != "keep-alive" && name != "upgrade" { listed.append(name) }
            }
        }

        var buffer = allocator.buffer(capacity: 512)
        buffer.writeString(head.method.rawValue)
        buffer.writeStaticString(" ")
        buffer.writeString(head.uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")

        var forwardedFor: String?
        var keptRequestID = false
        for (name, value) in head.headers {
            switch HeaderName.classify(name) {
            case .connection, .hopByHop, .forwardedProto, .forwardedPort:
                continue
            case .upgrade where !isUpgrade:
                continue
            case .forwardedFor:
                forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value
                continue
            case .requestID:
                guard !keptRequestID, RequestIDGenerator.isAcceptable(value) else { continue }
                keptRequestID = true
            default:
                if !listed.isEmpty && listed.contains(where: { $0 == name.lowercased() }) { continue }
            }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }

        buffer.writeStaticString("x-forwarded-for: ")
        if let forwardedFor {
            buffer.writeString(forwardedFor)
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
            buffer.writeString(makeRequestID())
            buffer.writeStaticString("\r\n")
        }
        if isUpgrade { buffer.writeStaticString("connection: upgrade\r\n") }
        buffer.writeStaticString("\r\n")
        return buffer
    }

    /// Whether the request body travels in chunks (then each part is framed again for the backend).
    static func isChunked(_ head: HTTPRequestHead) -> Bool {
        guard !head.headers.contains(name: "content-length") else { return false }
        return head.headers[canonicalForm: "transfer-encoding"].last?.lowercased() == "chunked"
    }

    /// Frame for one body part of a chunked request: size line before, CRLF after.
    static func chunkPrefix(size: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 18)
        buffer.writeString(String(size, radix: 16))
        buffer.writeStaticString("\r\n")
        return buffer
    }

    static let chunkSuffix = ByteBuffer(string: "\r\n")

    /// The last chunk, with the client's trailers if any.
    static func lastChunk(trailers: HTTPHeaders?, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        buffer.writeStaticString("0\r\n")
        for (name, value) in trailers ?? [:] {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }
}
