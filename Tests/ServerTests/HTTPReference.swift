// The HTTP/1.1 rules (RFC 9110, RFC 9112) the router's framers must keep, written the plain way for
// RouterFramingOracle: whole heads split on CRLF into arrays, nothing incremental, nothing shared with
// the framers but the framing enum they are compared by.
#if canImport(EdgeRouter)
@testable import EdgeRouter
#endif

enum HTTPReference {
    /// How a response's body is delimited, as the router relays it.
    enum ResponseFraming: Equatable {
        /// A 1xx other than 101: another head follows.
        case informational
        case none
        case length(Int)
        /// `raw`: relayed with its framing (an HTTP/1.1 client); otherwise as data only (HTTP/1.0).
        case chunked(raw: Bool)
        case untilClose
        case tunnel
    }

    enum Chunked: Equatable {
        /// The body ends after `consumed` bytes; `data` is the chunks' content.
        case complete(consumed: Int, data: [UInt8])
        /// Valid so far; `data` is the content seen so far.
        case needMore(data: [UInt8])
        case invalid(String)
    }

    struct Field {
        var name: String
        var value: [UInt8]
    }

    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    // MARK: Heads

    /// Index just past the first CRLF CRLF at or after `from`.
    static func headEnd(_ bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= from + 4 else { return nil }
        for index in from...(bytes.count - 4)
        where bytes[index] == cr && bytes[index + 1] == lf && bytes[index + 2] == cr && bytes[index + 3] == lf {
            return index + 4
        }
        return nil
    }

    /// Why a request head (request line to blank line) must be refused, or nil.
    static func refusal(ofRequestHead head: [UInt8]) -> String? {
        guard let lines = lines(head) else { return "a bare CR or LF, or no blank line at the end" }
        let parts = lines[0].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { return "the request line is not METHOD SP target SP version" }
        guard isToken(parts[0]) else { return "the method is not a token" }
        guard !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 32 && $0 != 127 }) else { return "a malformed target" }
        guard parts[2].elementsEqual("HTTP/1.1".utf8) || parts[2].elementsEqual("HTTP/1.0".utf8) else {
            return "not HTTP/1.0 or HTTP/1.1"
        }
        guard case .success(let fields) = fields(lines.dropFirst()) else { return "a malformed header line" }
        for field in fields where field.value.contains(where: { ($0 < 32 && $0 != 9) || $0 == 127 }) {
            return "a control character in a header value"
        }
        let hosts = fields.filter { $0.name == "host" }
        guard hosts.count <= 1 else { return "two Host headers" }
        guard hosts.allSatisfy({ $0.value.allSatisfy { $0 > 32 && $0 < 127 } }) else { return "an invalid Host" }
        let lengths = fields.filter { $0.name == "content-length" }.map { decimal($0.value) }
        guard !lengths.contains(nil), Set(lengths).count <= 1 else { return "an invalid or conflicting Content-Length" }
        let codings = transferCodings(fields)
        if !codings.isEmpty || fields.contains(where: { $0.name == "transfer-encoding" }) {
            guard lengths.isEmpty else { return "Transfer-Encoding and Content-Length" }
            guard codings.last == "chunked" else { return "a request body that is not chunked last" }
        }
        return nil
    }

    /// The body framing an accepted request head declares.
    static func requestFraming(_ head: [UInt8]) -> RequestHead.BodyFraming {
        let fields = (try? fields(lines(head)!.dropFirst()).get()) ?? []
        if fields.contains(where: { $0.name == "transfer-encoding" }) { return .chunked }
        if let field = fields.first(where: { $0.name == "content-length" }), let length = decimal(field.value), length > 0 {
            return .length(length)
        }
        return .none
    }

    /// Why a backend's response head must be refused, or nil.
    static func refusal(ofResponseHead head: [UInt8], expectation: ResponseFramer.Expectation) -> String? {
        // RFC 9110 §5.5: CR, LF and NUL in a field value are dangerous; a recipient rejects or replaces them.
        guard !head.contains(0) else { return "a NUL" }
        guard let lines = lines(head) else { return "a bare CR or LF, or no blank line at the end" }
        guard let status = status(lines[0]) else { return "a malformed status line" }
        guard case .success(let fields) = fields(lines.dropFirst()) else { return "a malformed header line" }
        let lengths = fields.filter { $0.name == "content-length" }.map { decimal($0.value) }
        if !fields.contains(where: { $0.name == "transfer-encoding" }) {
            guard !lengths.contains(nil), Set(lengths).count <= 1 else { return "an invalid or conflicting Content-Length" }
        }
        if status == 101 && !expectation.isUpgrade { return "101 without an upgrade request" }
        return nil
    }

    /// How an accepted response's body is delimited (RFC 9112 §6.3), as the router relays it.
    static func responseFraming(_ head: [UInt8], expectation: ResponseFramer.Expectation) -> ResponseFraming {
        let lines = lines(head)!
        let status = status(lines[0])!
        let fields = (try? fields(lines.dropFirst()).get()) ?? []
        if status == 101 { return .tunnel }
        if status < 200 { return .informational }
        if expectation.isHead || status == 204 || status == 304 { return .none }
        if fields.contains(where: { $0.name == "transfer-encoding" }) {
            return transferCodings(fields).last == "chunked" ? .chunked(raw: expectation.clientMinorVersion >= 1) : .untilClose
        }
        if let field = fields.first(where: { $0.name == "content-length" }), let length = decimal(field.value) {
            return .length(length)
        }
        return .untilClose
    }

    /// What is wrong with the head a client got for a response relayed with `framing`, or nil.
    static func problem(
        inClientHead head: [UInt8],
        relaying framing: ResponseFraming,
        expectation: ResponseFramer.Expectation
    ) -> String? {
        guard !head.contains(0), let lines = lines(head) else { return "has a NUL, a bare CR or LF, or no blank line" }
        let version = expectation.clientMinorVersion >= 1 ? "HTTP/1.1 " : "HTTP/1.0 "
        guard lines[0].starts(with: version.utf8), status(lines[0]) != nil else { return "has a malformed status line" }
        guard case .success(let fields) = fields(lines.dropFirst()) else { return "has a malformed header line" }
        let hopByHop: Set<String> = ["keep-alive", "te", "trailer", "proxy-connection"]
        if let field = fields.first(where: { hopByHop.contains($0.name) }) { return "keeps the hop-by-hop \(field.name)" }
        if framing != .tunnel && framing != .informational {
            if fields.contains(where: { $0.name == "upgrade" }) { return "keeps Upgrade" }
            for field in fields where field.name == "connection" {
                guard field.value.elementsEqual("close".utf8) || field.value.elementsEqual("keep-alive".utf8) else {
                    return "keeps the backend's Connection"
                }
            }
        }
        let lengths = fields.filter { $0.name == "content-length" }.compactMap { decimal($0.value) }
        let hasTransferEncoding = fields.contains { $0.name == "transfer-encoding" }
        let closes = fields.contains { $0.name == "connection" && $0.value.elementsEqual("close".utf8) }
        switch framing {
        case .informational, .tunnel, .none:
            return nil
        case .length(let length):
            guard !hasTransferEncoding, !lengths.isEmpty, lengths.allSatisfy({ $0 == length }) else {
                return "does not frame the \(length) bytes relayed by their length"
            }
        case .chunked(raw: true):
            guard lengths.isEmpty, transferCodings(fields).last == "chunked" else { return "does not say chunked alone" }
        case .chunked(raw: false), .untilClose:
            guard lengths.isEmpty, transferCodings(fields).last != "chunked", closes else {
                return "does not say the body runs until the connection closes"
            }
        }
        return nil
    }

    // MARK: Chunked bodies

    /// Reads a chunked body (RFC 9112 §7.1): hex sizes of at most 15 digits, extensions after `;` or
    /// whitespace, CRLF after each chunk's data, trailer lines up to an empty one; no bare CR or LF.
    static func decodeChunked(_ bytes: [UInt8]) -> Chunked {
        var data: [UInt8] = []
        var index = 0
        while true {
            // The size line.
            let lineEnd = bytes[index...].firstIndex { $0 == cr || $0 == lf } ?? bytes.count
            let line = bytes[index..<lineEnd]
            let digits = line.prefix { hexValue($0) != nil }
            let afterDigits = line.dropFirst(digits.count)
            guard digits.count <= 15 else { return .invalid("a chunk size of more than 15 digits") }
            if let first = afterDigits.first, first != UInt8(ascii: ";"), first != 32, first != 9 {
                return .invalid("a malformed chunk size")
            }
            guard lineEnd + 1 < bytes.count else {
                if lineEnd < bytes.count && bytes[lineEnd] == lf { return .invalid("a bare LF after a size") }
                return .needMore(data: data)
            }
            guard bytes[lineEnd] == cr, bytes[lineEnd + 1] == lf else { return .invalid("a size line without CRLF") }
            guard !digits.isEmpty else { return .invalid("a size line without a size") }
            let size = digits.reduce(0) { $0 * 16 + hexValue($1)! }
            index = lineEnd + 2
            if size == 0 { break }
            // The data and its CRLF.
            data += bytes[index..<min(bytes.count, index + size)]
            index += size
            guard index + 1 < bytes.count else {
                if index < bytes.count && bytes[index] != cr { return .invalid("no CRLF after a chunk") }
                return .needMore(data: data)
            }
            guard bytes[index] == cr, bytes[index + 1] == lf else { return .invalid("no CRLF after a chunk") }
            index += 2
        }
        // Trailer lines, then an empty line.
        while true {
            let lineEnd = bytes[index...].firstIndex { $0 == cr || $0 == lf } ?? bytes.count
            guard lineEnd + 1 < bytes.count else {
                if lineEnd < bytes.count && bytes[lineEnd] == lf { return .invalid("a bare LF in the trailers") }
                return .needMore(data: data)
            }
            guard bytes[lineEnd] == cr, bytes[lineEnd + 1] == lf else { return .invalid("a bare CR or LF in the trailers") }
            if lineEnd == index { return .complete(consumed: lineEnd + 2, data: data) }
            index = lineEnd + 2
        }
    }

    // MARK: Pieces

    /// A head's lines without their CRLFs and without the blank line; nil if a CR or LF stands alone or the
    /// head does not end with CRLF CRLF.
    static func lines(_ head: [UInt8]) -> [ArraySlice<UInt8>]? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < head.count {
            if head[index] == cr {
                guard index + 1 < head.count, head[index + 1] == lf else { return nil }
                lines.append(head[start..<index])
                index += 2
                start = index
            } else if head[index] == lf {
                return nil
            } else {
                index += 1
            }
        }
        guard start == head.count, lines.count >= 2, lines.last!.isEmpty else { return nil }
        guard !lines.dropLast().contains(where: \.isEmpty) else { return nil }
        return Array(lines.dropLast())
    }

    enum FieldError: Error { case malformed }

    /// Header lines as lowercased names and values without surrounding whitespace; obs-fold, a missing
    /// colon or a name that is not a token (whitespace before the colon included) is malformed.
    static func fields(_ lines: ArraySlice<ArraySlice<UInt8>>) -> Result<[Field], FieldError> {
        var fields: [Field] = []
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), isToken(line[line.startIndex..<colon]) else {
                return .failure(.malformed)
            }
            var value = line[(colon + 1)...]
            while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
            while let last = value.last, last == 32 || last == 9 { value = value.dropLast() }
            let name = String(decoding: line[line.startIndex..<colon].map { $0 | 0x20 }, as: UTF8.self)
            fields.append(Field(name: name, value: Array(value)))
        }
        return .success(fields)
    }

    /// `HTTP/1.x SSS` then a space and a reason, or nothing; the status, or nil.
    static func status(_ line: ArraySlice<UInt8>) -> Int? {
        let bytes = Array(line)
        guard bytes.count >= 12, bytes.starts(with: "HTTP/1.".utf8), bytes[7] == 48 || bytes[7] == 49, bytes[8] == 32,
            bytes[9..<12].allSatisfy({ $0 >= 48 && $0 <= 57 }), bytes.count == 12 || bytes[12] == 32
        else { return nil }
        let status = bytes[9..<12].reduce(0) { $0 * 10 + Int($1 - 48) }
        return status >= 100 ? status : nil
    }

    /// Every Transfer-Encoding header's codings in order, lowercased, empty list elements left out.
    static func transferCodings(_ fields: [Field]) -> [String] {
        fields.filter { $0.name == "transfer-encoding" }.flatMap { field in
            field.value.split(separator: UInt8(ascii: ",")).map { element in
                let trimmed = element.drop { $0 == 32 || $0 == 9 }.reversed().drop { $0 == 32 || $0 == 9 }.reversed()
                return String(decoding: trimmed.map { $0 | 0x20 }, as: UTF8.self)
            }
            .filter { !$0.isEmpty }
        }
    }

    /// A decimal Content-Length that fits (at most 18 digits), or nil.
    static func decimal(_ value: [UInt8]) -> Int? {
        guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return value.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    static func isToken<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        let punctuation = Set("!#$%&'*+-.^_`|~".utf8)
        return !bytes.isEmpty && bytes.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte | 0x20 >= 97 && byte | 0x20 <= 122) || punctuation.contains(byte)
        }
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: return Int(byte - 48)
        case 97...102: return Int(byte - 87)
        case 65...70: return Int(byte - 55)
        default: return nil
        }
    }
}
