import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client's request head as it arrived, parsed once for what the router needs: method, version,
/// host, keep-alive, upgrade and body framing. The bytes are kept: the backend's copy of the head is
/// written from them (``UpstreamRequestWriter``), so no header becomes a `String`.
struct RequestHead {
    enum Method {
        case get, head, options, put, delete, trace, other
    }

    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// The head, request line to blank line included.
    var bytes: ByteBuffer
    var method: Method
    /// `METHOD SP target`: the request line up to the space before the version.
    var methodAndTarget: Range<Int>
    var minorVersion: Int
    var fields: HeadLines
    var keepAlive: Bool
    /// `Connection: upgrade` and an `Upgrade` header (WebSocket): after a 101 the connection is a tunnel.
    var isUpgrade: Bool
    var body: BodyFraming
    /// For an absolute-form target (`GET http://a.example/ HTTP/1.1`), the URI's authority (`a.example`,
    /// userinfo dropped): RFC 9112 §3.2.2 says it, not the `Host` header, names the host.
    var absoluteFormAuthority: Range<Int>?

    typealias FramingError = ResponseFramer.FramingError

    /// The `Host` header's value as a string ("" without one).
    var host: String {
        guard let range = fields.host else { return "" }
        return bytes.getString(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ""
    }

    /// The host the request is for: the absolute-form target's authority, else the `Host` header ("" without one).
    var targetHost: String {
        guard let range = absoluteFormAuthority else { return host }
        return bytes.getString(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ""
    }

    /// The request target (`/path?query`, or an absolute URI), as a string.
    var target: String {
        let line = bytes.getString(at: bytes.readerIndex + methodAndTarget.lowerBound, length: methodAndTarget.count) ?? ""
        guard let space = line.firstIndex(of: " ") else { return "" }
        return String(line[line.index(after: space)...])
    }

    /// Whether the `Host` header is exactly `host`, compared as bytes (no string is made).
    func hostEquals(_ host: String) -> Bool {
        let range = fields.host ?? 0..<0
        var host = host
        return host.withUTF8 { expected in
            guard expected.count == range.count else { return false }
            return bytes.withUnsafeReadableBytes { actual in
                expected.isEmpty || memcmp(actual.baseAddress! + range.lowerBound, expected.baseAddress!, range.count) == 0
            }
        }
    }

    /// Parses a complete head (`bytes` ends with the blank line).
    static func parse(_ bytes: ByteBuffer) throws(FramingError) -> RequestHead {
        let parsed = bytes.withUnsafeReadableBytes { raw -> Result<RequestHead, FramingError> in
            do throws(FramingError) {
                return .success(try parse(raw, bytes: bytes))
            } catch {
                return .failure(error)
            }
        }
        return try parsed.get()
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, bytes: ByteBuffer) throws(FramingError) -> RequestHead {
        // Request line: METHOD SP target SP HTTP/1.x
        guard let lineEnd = HeadLines.lineEnd(raw, from: 0) else { throw FramingError(description: "no request line") }
        var space = 0
        while space < lineEnd && raw[space] != UInt8(ascii: " ") { space += 1 }
        let methodBytes = UnsafeRawBufferPointer(rebasing: raw[0..<space])
        guard HeadLines.isToken(methodBytes) else { throw FramingError(description: "malformed method") }
        let versionStart = lineEnd - 8
        guard versionStart > space + 2, raw[versionStart - 1] == UInt8(ascii: " "),
            Self.isHTTP1(UnsafeRawBufferPointer(rebasing: raw[versionStart..<lineEnd]))
        else { throw FramingError(description: "not an HTTP/1.0 or HTTP/1.1 request line") }
        for index in (space + 1)..<(versionStart - 1) where raw[index] <= 32 || raw[index] == 127 {
            throw FramingError(description: "malformed request target")
        }
        let minorVersion = Int(raw[lineEnd - 1] - UInt8(ascii: "0"))

        var fields = HeadLines()
        fields.minorVersion = minorVersion
        try fields.parseFields(raw, from: lineEnd + 2, isRequest: true)

        let body: BodyFraming
        if let coding = fields.transferEncoding {
            // Both framings at once is how requests are smuggled past proxies: refuse (RFC 9112 §6.1).
            guard fields.contentLength == nil else {
                throw FramingError(description: "both Transfer-Encoding and Content-Length")
            }
            guard coding.isChunked else { throw FramingError(description: "a request body must be chunked last") }
            body = .chunked
        } else if let length = fields.contentLength, length > 0 {
            body = .length(length)
        } else {
            body = .none
        }
        let keepAlive = minorVersion >= 1 ? !fields.connectionClose : fields.connectionKeepAlive
        return RequestHead(
            bytes: bytes,
            method: method(methodBytes),
            methodAndTarget: 0..<(versionStart - 1),
            minorVersion: minorVersion,
            fields: fields,
            keepAlive: keepAlive,
            isUpgrade: fields.connectionUpgrade && fields.hasUpgradeHeader,
            body: body,
            absoluteFormAuthority: authority(ofTarget: (space + 1)..<(versionStart - 1), in: raw)
        )
    }

    /// The authority of an `http://` or `https://` target (scheme matched case-insensitively), else nil.
    private static func authority(ofTarget target: Range<Int>, in raw: UnsafeRawBufferPointer) -> Range<Int>? {
        var index = target.lowerBound
        for expected in "http".utf8 {
            guard index < target.upperBound, raw[index] | 0x20 == expected else { return nil }
            index += 1
        }
        if index < target.upperBound && raw[index] | 0x20 == UInt8(ascii: "s") { index += 1 }
        for expected in "://".utf8 {
            guard index < target.upperBound, raw[index] == expected else { return nil }
            index += 1
        }
        var start = index
        var end = index
        while end < target.upperBound, raw[end] != UInt8(ascii: "/"), raw[end] != UInt8(ascii: "?"),
            raw[end] != UInt8(ascii: "#")
        {
            if raw[end] == UInt8(ascii: "@") { start = end + 1 }
            end += 1
        }
        return start..<end
    }

    private static func isHTTP1(_ version: UnsafeRawBufferPointer) -> Bool {
        let prefix: StaticString = "HTTP/1."
        let expected = UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return version.count == 8 && version.prefix(7).elementsEqual(expected)
            && (version[7] == UInt8(ascii: "0") || version[7] == UInt8(ascii: "1"))
    }

    private static func method(_ bytes: UnsafeRawBufferPointer) -> Method {
        func equals(_ name: StaticString) -> Bool {
            bytes.count == name.utf8CodeUnitCount
                && memcmp(bytes.baseAddress!, name.utf8Start, bytes.count) == 0
        }
        switch bytes.count {
        case 3:
            if equals("GET") { return .get }
            return equals("PUT") ? .put : .other
        case 4: return equals("HEAD") ? .head : .other
        case 5: return equals("TRACE") ? .trace : .other
        case 6: return equals("DELETE") ? .delete : .other
        case 7: return equals("OPTIONS") ? .options : .other
        default: return .other
        }
    }
}
