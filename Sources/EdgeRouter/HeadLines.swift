import NIOCore

/// A response or request head split into lines, with what the router needs from it: status,
/// framing, and the `Connection` header's verdict. Ranges are offsets from the head buffer's reader index.
struct HeadLines {
    enum Kind {
        case connection, hopByHop, upgrade, transferEncoding, contentLength, named
        /// Only told apart in requests (in responses they are `named`).
        case host, forwardedFor, forwardedOwn, requestID
    }

    struct Line {
        /// The whole line, without its CRLF.
        var range: Range<Int>
        var name: Range<Int>
        /// The value without surrounding whitespace.
        var value: Range<Int>
        var kind: Kind
    }

    struct TransferCoding {
        /// `chunked` is the last coding applied.
        var isChunked: Bool
    }

    var minorVersion = 1
    var status = 0
    /// The status line after `HTTP/1.x` (" 200 OK").
    var statusLineRest: Range<Int> = 0..<0
    var lines: [Line] = []
    var contentLength: Int?
    var transferEncoding: TransferCoding?
    var connectionClose = false
    var connectionKeepAlive = false
    var connectionUpgrade = false
    /// Requests: the `Host` line, when there is exactly one.
    var host: Range<Int>?
    var hasUpgradeHeader = false
    /// Other header names the `Connection` header lists (lowercased): hop-by-hop too.
    var connectionTokens: [[UInt8]] = []

    typealias FramingError = ResponseFramer.FramingError

    static func parse(_ head: ByteBuffer) throws(FramingError) -> HeadLines {
        var result = HeadLines()
        let parsed = head.withUnsafeReadableBytes { bytes -> Result<Void, FramingError> in
            do throws(FramingError) {
                try result.parse(bytes)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try parsed.get()
        return result
    }

    private mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(FramingError) {
        // Status line: HTTP/1.x SSS reason
        guard let firstEnd = Self.lineEnd(bytes, from: 0), firstEnd >= 12,
            Self.startsWithHTTP1(bytes),
            bytes[7] == UInt8(ascii: "0") || bytes[7] == UInt8(ascii: "1"),
            bytes[8] == UInt8(ascii: " ")
        else { throw FramingError(description: "malformed status line") }
        minorVersion = Int(bytes[7] - UInt8(ascii: "0"))
        var code = 0
        for index in 9..<12 {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                throw FramingError(description: "malformed status code")
            }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard code >= 100, firstEnd == 12 || bytes[12] == UInt8(ascii: " ") else {
            throw FramingError(description: "malformed status code")
        }
        // The reason phrase reaches the client as it came: a bare CR or LF in it could split the response there.
        for index in 12..<firstEnd where bytes[index] == 0 || bytes[index] == UInt8(ascii: "\r") || bytes[index] == UInt8(ascii: "\n") {
            throw FramingError(description: "a CR, LF or NUL in the status line")
        }
        status = code
        statusLineRest = 8..<firstEnd
        try parseFields(bytes, from: firstEnd + 2, isRequest: false)
    }

    /// Parses the header lines from `start` to the blank line that ends the head.
    mutating func parseFields(_ bytes: UnsafeRawBufferPointer, from start: Int, isRequest: Bool) throws(FramingError) {
        var start = start
        lines.reserveCapacity(12)
        while let end = Self.lineEnd(bytes, from: start), end > start {
            guard bytes[start] != UInt8(ascii: " ") && bytes[start] != UInt8(ascii: "\t") else {
                throw FramingError(description: "obsolete header line folding")
            }
            var colon = start
            while colon < end && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < end, colon > start else { throw FramingError(description: "malformed header line") }
            let name = start..<colon
            var valueStart = colon + 1
            var valueEnd = end
            while valueStart < valueEnd && (bytes[valueStart] == 32 || bytes[valueStart] == 9) { valueStart += 1 }
            while valueEnd > valueStart && (bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9) { valueEnd -= 1 }
            let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])

            // Names must be tokens (no whitespace before the colon, RFC 9112 §5.1) in responses too: the client
            // gets the backend's lines as they came, and must not read them otherwise than the router did.
            guard Self.isToken(UnsafeRawBufferPointer(rebasing: bytes[name])) else {
                throw FramingError(description: "malformed header name")
            }
            if isRequest {
                for byte in value where byte < 32 && byte != 9 || byte == 127 {
                    throw FramingError(description: "control character in a header value")
                }
            } else {
                // RFC 9110 §5.5: CR, LF and NUL in a value are refused (a bare LF would end the line for the client).
                for byte in value where byte == 0 || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    throw FramingError(description: "a CR, LF or NUL in a header value")
                }
            }

            let kind: Kind
            switch HeaderName.classify(UnsafeRawBufferPointer(rebasing: bytes[name])) {
            case .connection:
                kind = .connection
                try readConnectionTokens(value)
            case .hopByHop: kind = .hopByHop
            case .upgrade:
                kind = .upgrade
                hasUpgradeHeader = true
            case .host where isRequest:
                guard host == nil else { throw FramingError(description: "more than one Host header") }
                // RFC 9112 §3.2: an invalid Host value is a 400 (routes are looked up by it).
                guard Self.isHost(value) else { throw FramingError(description: "an invalid Host header") }
                kind = .host
                host = valueStart..<valueEnd
            case .forwardedFor where isRequest: kind = .forwardedFor
            case .forwardedProto where isRequest, .forwardedPort where isRequest: kind = .forwardedOwn
            case .requestID where isRequest: kind = .requestID
            case .transferEncoding:
                kind = .transferEncoding
                // Several Transfer-Encoding lines make one list (RFC 9110 §5.3): the last coding in it counts.
                if let isChunked = Self.lastCodingIsChunked(value) {
                    transferEncoding = TransferCoding(isChunked: isChunked)
                } else if transferEncoding == nil {
                    transferEncoding = TransferCoding(isChunked: false)
                }
            case .contentLength:
                kind = .contentLength
                guard let length = Self.decimal(value), contentLength == nil || contentLength == length else {
                    throw FramingError(description: "invalid or conflicting Content-Length")
                }
                contentLength = length
            default: kind = .named
            }
            lines.append(Line(range: start..<end, name: name, value: valueStart..<valueEnd, kind: kind))
            start = end + 2
        }
    }

    /// Reads the `Connection` header's options. Each names a header that is dropped on the way (hop-by-hop),
    /// so one naming Content-Length or Transfer-Encoding is refused: the router would frame the body by a
    /// header the other side never sees, and read the rest of the body as the next message.
    private mutating func readConnectionTokens(_ value: UnsafeRawBufferPointer) throws(FramingError) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count && value[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last && (value[first] == 32 || value[first] == 9) { first += 1 }
            while last > first && (value[last - 1] == 32 || value[last - 1] == 9) { last -= 1 }
            let token = UnsafeRawBufferPointer(rebasing: value[first..<last])
            if token.isEmpty {
                // Empty list element.
            } else if HeaderName.matches(token, "close") {
                connectionClose = true
            } else if HeaderName.matches(token, "keep-alive") {
                connectionKeepAlive = true
            } else if HeaderName.matches(token, "upgrade") {
                connectionUpgrade = true
            } else if HeaderName.matches(token, "content-length") || HeaderName.matches(token, "transfer-encoding") {
                throw FramingError(description: "the Connection header names a framing header")
            } else {
                connectionTokens.append(token.map { $0 | 0x20 })
            }
            start = end + 1
        }
    }

    /// Index of the CR of the CRLF ending the line that starts at `from`, if there is one.
    static func lineEnd(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        var index = from
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "\r") && bytes[index + 1] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }

    /// RFC 9110 `token`: what a method or a header name is made of.
    static func isToken(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return false }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                continue
            default:
                return false
            }
        }
        return true
    }

    private static func startsWithHTTP1(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let prefix: StaticString = "HTTP/1."
        let expected = UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return bytes.count >= 7 && bytes.prefix(7).elementsEqual(expected)
    }

    private static func decimal(_ value: UnsafeRawBufferPointer) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var number = 0
        for byte in value {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return number
    }

    /// Whether the last coding the value lists is `chunked`; nil when it lists none (empty elements only).
    private static func lastCodingIsChunked(_ value: UnsafeRawBufferPointer) -> Bool? {
        let codings = value.split(separator: UInt8(ascii: ",")).map {
            $0.drop { $0 == 32 || $0 == 9 }.reversed().drop { $0 == 32 || $0 == 9 }.reversed()
        }
        guard let last = codings.last(where: { !$0.isEmpty }) else { return nil }
        return last.count == 7 && last.map { $0 | 0x20 }.elementsEqual("chunked".utf8)
    }

    /// Visible ASCII only: no whitespace inside, nothing above 0x7E (such a Host never matched the route cache,
    /// which compares bytes to the repaired string). Stricter URI syntax is left to the route lookup (a 404).
    private static func isHost(_ value: UnsafeRawBufferPointer) -> Bool {
        value.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
