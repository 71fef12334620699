/// A strict RFC 8259 JSON parser that says where things went wrong.
///
/// Foundation's `JSONSerialization` drops duplicate keys silently and reports positions as byte offsets, so
/// app.json gets its own parser. It is iterative (an explicit stack, not recursion), so hostile input such as
/// 100 000 `[` cannot overflow the call stack; nesting beyond `maxDepth` is an error. Strings are checked for
/// valid UTF-8 byte by byte, and the common mistakes in hand-written files (Python's `True`, single quotes,
/// trailing commas, comments, curly quotes) get a message that says what to write instead.
public struct JSONParser {
    /// Deeper than any real app.json by two orders of magnitude; shallow enough that tearing a value down
    /// (which Swift does recursively) is always safe.
    public static let defaultMaxDepth = 512

    /// Parses a whole document: exactly one value, optionally preceded by a UTF-8 byte-order mark and
    /// surrounded by whitespace.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> JSONDocument {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        let value = try parser.parseDocument()
        return JSONDocument(value: value, duplicateKeys: parser.duplicateKeys)
    }

    /// Parses UTF-8 text (a convenience for tests and literals).
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> JSONDocument {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    // MARK: - State

    /// One open container on the explicit stack.
    private struct Frame {
        var isObject: Bool
        /// Byte offset of the `{` or `[`, for "never closed" messages.
        var openedAt: Int
        var items: [JSONValue] = []
        var object = JSONObject()
        /// The key whose value is being parsed (objects only).
        var key = ""
        var keyOffset = 0
        /// Column of the object's first key, to notice a later key indented less (see `misplacedKey`).
        var firstKeyColumn: Int?
    }

    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index: Int
    private var locator: SourceLocator
    private var duplicateKeys: [JSONDuplicateKey] = []
    /// The first key indented less than the first key of its object: the usual trace of a `}` missing above
    /// it. Only mentioned when the brackets turn out not to balance.
    private var misplacedKey: (key: String, position: SourcePosition)?

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = max(1, maxDepth)
        let start = SourceLocator.contentStart(of: bytes)
        self.index = start
        self.locator = SourceLocator(bytes: bytes, startOffset: start)
    }

    // MARK: - Structure

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        if index >= bytes.count {
            throw error(.emptyInput, at: index, "the file is empty; expected a JSON value such as {}")
        }
        var stack: [Frame] = []
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw unexpectedEnd(stack, expecting: "a value") }
            var value: JSONValue
            switch bytes[index] {
            case UInt8(ascii: "{"):
                try checkDepth(stack, at: index)
                let openedAt = index
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    value = .object(JSONObject())
                } else {
                    stack.append(Frame(isObject: true, openedAt: openedAt))
                    let (key, keyOffset) = try parseKeyAndColon(stack)
                    noteKey(key, at: keyOffset, in: &stack[stack.count - 1])
                    continue
                }
            case UInt8(ascii: "["):
                try checkDepth(stack, at: index)
                let openedAt = index
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    value = .array([])
                } else {
                    stack.append(Frame(isObject: false, openedAt: openedAt))
                    continue
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                value = try parseLiteral()
            }

            // Hand the finished value to its container; close containers while their end follows.
            while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    if index < bytes.count {
                        throw error(
                            .trailingContent, at: index,
                            "unexpected \(describeByte(at: index)) after the end of the document; "
                                + "a JSON file holds exactly one value (is a bracket closed too early?)")
                    }
                    return value
                }
                let top = stack.count - 1
                if stack[top].isObject {
                    if stack[top].object.set(stack[top].key, value) {
                        let path = containerPath(stack, upTo: top).key(stack[top].key)
                        duplicateKeys.append(JSONDuplicateKey(path: path, position: locator.position(of: stack[top].keyOffset)))
                    }
                } else {
                    stack[top].items.append(value)
                }
                skipWhitespace()
                guard index < bytes.count else {
                    throw unexpectedEnd(stack, expecting: stack[top].isObject ? "',' or '}'" : "',' or ']'")
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") {
                    let commaOffset = index
                    index += 1
                    skipWhitespace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") || bytes[index] == UInt8(ascii: "]") {
                        throw error(.trailingComma, at: commaOffset, "trailing comma before '\(Character(Unicode.Scalar(bytes[index])))'; JSON does not allow one")
                    }
                    if stack[top].isObject {
                        let (key, keyOffset) = try parseKeyAndColon(stack)
                        noteKey(key, at: keyOffset, in: &stack[top])
                    }
                    break
                }
                let closer = stack[top].isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if byte == closer {
                    index += 1
                    let frame = stack.removeLast()
                    value = frame.isObject ? .object(frame.object) : .array(frame.items)
                    continue
                }
                let expected = stack[top].isObject ? "',' or '}'" : "',' or ']'"
                var message = "expected \(expected) after \(stack[top].isObject ? "a member" : "an element"), found \(describeByte(at: index))"
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    message += " (is a comma missing at the end of the previous line?)"
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    message += " (brackets do not match: the \(stack[top].isObject ? "object" : "array") opened at \(locator.position(of: stack[top].openedAt)) is still open)"
                    message += misplacedKeyHint
                }
                throw error(.unexpectedCharacter, at: index, message)
            }
        }
    }

    private mutating func noteKey(_ key: String, at offset: Int, in frame: inout Frame) {
        frame.key = key
        frame.keyOffset = offset
        let position = locator.position(of: offset)
        if let firstColumn = frame.firstKeyColumn {
            if misplacedKey == nil, position.column < firstColumn {
                misplacedKey = (key, position)
            }
        } else {
            frame.firstKeyColumn = position.column
        }
    }

    /// " (perhaps a '}' is missing before …)" when the indentation suggests where.
    private var misplacedKeyHint: String {
        guard let misplacedKey else { return "" }
        return "; perhaps a '}' is missing before \"\(misplacedKey.key.debugEscaped)\" at \(misplacedKey.position), which is indented like a key of an outer object"
    }

    private mutating func checkDepth(_ stack: [Frame], at offset: Int) throws(JSONSyntaxError) {
        if stack.count >= maxDepth {
            throw error(.tooDeep, at: offset, "nesting is deeper than \(maxDepth) levels")
        }
    }

    /// Reads `"key"` and the `:` after it; returns the key and the offset of its opening quote.
    private mutating func parseKeyAndColon(_ stack: [Frame]) throws(JSONSyntaxError) -> (String, Int) {
        skipWhitespace()
        guard index < bytes.count else { throw unexpectedEnd(stack, expecting: "a key in double quotes") }
        guard bytes[index] == UInt8(ascii: "\"") else {
            var message = "expected a key in double quotes, found \(describeByte(at: index))"
            if bytes[index] == UInt8(ascii: "'") {
                message += "; JSON keys use double quotes (\"), not single quotes"
            } else if isWordByte(bytes[index]) {
                message += "; JSON keys must be quoted"
            }
            throw error(.unexpectedCharacter, at: index, message)
        }
        let keyOffset = index
        let key = try parseString()
        skipWhitespace()
        guard index < bytes.count else { throw unexpectedEnd(stack, expecting: "':'") }
        guard bytes[index] == UInt8(ascii: ":") else {
            throw error(.unexpectedCharacter, at: index, "expected ':' after the key \"\(key.debugEscaped)\", found \(describeByte(at: index))")
        }
        index += 1
        return (key, keyOffset)
    }

    private func containerPath(_ stack: [Frame], upTo top: Int) -> JSONPath {
        var components: [JSONPath.Component] = []
        for frame in stack[..<top] {
            components.append(frame.isObject ? .key(frame.key) : .index(frame.items.count))
        }
        return JSONPath(components)
    }

    private mutating func unexpectedEnd(_ stack: [Frame], expecting: String) -> JSONSyntaxError {
        var message = "unexpected end of the file; expected \(expecting)"
        if let innermost = stack.last {
            let kind = innermost.isObject ? "object" : "array"
            message += " — the \(kind) opened at \(locator.position(of: innermost.openedAt)) is never closed"
            if stack.count > 1 {
                message += " (\(stack.count) brackets are still open)"
            }
            message += misplacedKeyHint
        }
        return error(.unexpectedEnd, at: bytes.count, message)
    }

    // MARK: - Scalars

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1  // the opening quote
        var buffer: [UInt8] = []
        while true {
            guard index < bytes.count else {
                let opened = locator.position(of: start)
                throw error(.unexpectedEnd, at: bytes.count, "unexpected end of the file inside the string that starts at \(opened)")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0x00..<0x20:
                let what = byte == 0x0A || byte == 0x0D
                    ? "a line break inside a string (is a closing quote missing? write \\n for a newline)"
                    : byte == 0x09 ? "a raw tab inside a string; write \\t" : "a raw control character (0x\(hex(byte))) inside a string; escape it as \\u00\(hex(byte))"
                throw error(.invalidString, at: index, what)
            case 0x20..<0x80:
                buffer.append(byte)
                index += 1
            default:
                let length = try utf8SequenceLength(at: index)
                buffer.append(contentsOf: bytes[index..<index + length])
                index += length
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let escapeOffset = index
        index += 1
        guard index < bytes.count else { throw error(.unexpectedEnd, at: index, "unexpected end of the file in an escape sequence") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4(escapeOffset: escapeOffset)
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate: together they are one scalar.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error(.invalidEscape, at: escapeOffset, "unpaired surrogate \\u\(hex4(scalar)) in a string")
                }
                let lowOffset = index
                index += 2
                let low = try parseHex4(escapeOffset: lowOffset)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(.invalidEscape, at: escapeOffset, "unpaired surrogate \\u\(hex4(scalar)) in a string")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error(.invalidEscape, at: escapeOffset, "unpaired surrogate \\u\(hex4(scalar)) in a string")
            }
            appendUTF8(scalar, to: &buffer)
        default:
            throw error(.invalidEscape, at: escapeOffset, "invalid escape \\\(describeScalarByte(byte)) in a string; a literal backslash is written \\\\")
        }
    }

    private mutating func parseHex4(escapeOffset: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = hexValue(bytes[index]) else {
                throw error(.invalidEscape, at: escapeOffset, "\\u must be followed by four hexadecimal digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw error(.invalidNumber, at: start, "invalid number: expected a digit after '-'")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw error(.invalidNumber, at: start, "invalid number: leading zeros are not allowed (write it as a string if it is an identifier)")
            }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error(.invalidNumber, at: start, "invalid number: expected a digit after '.'")
            }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error(.invalidNumber, at: start, "invalid number: expected a digit in the exponent")
            }
            skipDigits()
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// `true`, `false`, `null`; anything else is an error that names the usual intent.
    private mutating func parseLiteral() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        guard isWordByte(bytes[index]) else {
            let byte = bytes[index]
            var message = "expected a value, found \(describeByte(at: index))"
            switch byte {
            case UInt8(ascii: "'"): message += "; JSON strings use double quotes (\"), not single quotes"
            case UInt8(ascii: "/"), UInt8(ascii: "#"): message += "; JSON does not allow comments"
            case UInt8(ascii: "+"): message += "; JSON numbers cannot start with '+'"
            case UInt8(ascii: "."): message += "; JSON numbers need a digit before '.'"
            case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ","): message += " (is a value missing?)"
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (0x98...0x9D).contains(bytes[index + 2]):
                message += "; curly quotes are not JSON quotes, use straight double quotes (\")"
            default: break
            }
            throw error(.unexpectedCharacter, at: index, message)
        }
        while index < bytes.count, isWordByte(bytes[index]), index - start < 64 {
            index += 1
        }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            let hint: String
            switch word {
            case "True", "TRUE": hint = "; did you mean true? JSON literals are lower-case"
            case "False", "FALSE": hint = "; did you mean false? JSON literals are lower-case"
            case "None", "Null", "NULL", "nil", "undefined": hint = "; did you mean null?"
            case "NaN", "Infinity": hint = "; JSON has no \(word), write it as a string"
            default: hint = "; strings must be in double quotes"
            }
            throw error(.invalidLiteral, at: start, "unexpected word '\(word)'\(hint)")
        }
    }

    // MARK: - Bytes

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
    private mutating func utf8SequenceLength(at offset: Int) throws(JSONSyntaxError) -> Int {
        if let length = validUTF8SequenceLength(at: offset) { return length }
        throw error(.invalidUTF8, at: offset, "invalid UTF-8 byte 0x\(hex(bytes[offset])); the file must be UTF-8")
    }

    private func validUTF8SequenceLength(at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return nil
        }
        guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else { return nil }
        for continuation in bytes[(offset + 2)..<(offset + length)] where continuation & 0xC0 != 0x80 {
            return nil
        }
        return length
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || isDigit(byte) || byte == 0x5F || byte == 0x24
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }

    private func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (scalar >> 6)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (scalar >> 12)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (scalar >> 18)))
            buffer.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// A character as a message shows it: `'x'`, `'“'`, or `byte 0xFF` when it is not valid UTF-8.
    private func describeByte(at offset: Int) -> String {
        let byte = bytes[offset]
        if byte < 0x80 { return describeScalarByte(byte) }
        if let length = validUTF8SequenceLength(at: offset) {
            return "'" + String(decoding: bytes[offset..<offset + length], as: UTF8.self) + "'"
        }
        return "byte 0x\(hex(byte)) (not valid UTF-8)"
    }

    private func describeScalarByte(_ byte: UInt8) -> String {
        switch byte {
        case 0x0A: return "a line break"
        case 0x09: return "a tab"
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte 0x\(hex(byte))"
        }
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private mutating func error(_ code: JSONSyntaxError.Code, at offset: Int, _ message: String) -> JSONSyntaxError {
        JSONSyntaxError(code: code, position: locator.position(of: offset), message: message)
    }
}
