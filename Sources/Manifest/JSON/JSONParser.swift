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
    struct Frame {
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

    let bytes: [UInt8]
    let maxDepth: Int
    var index: Int
    var locator: SourceLocator
    var duplicateKeys: [JSONDuplicateKey] = []
    /// The first key indented less than the first key of its object: the usual trace of a `}` missing above
    /// it. Only mentioned when the brackets turn out not to balance.
    var misplacedKey: (key: String, position: SourcePosition)?

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = max(1, maxDepth)
        let start = SourceLocator.contentStart(of: bytes)
        self.index = start
        self.locator = SourceLocator(bytes: bytes, startOffset: start)
    }

    // MARK: - Structure

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
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

    mutating func noteKey(_ key: String, at offset: Int, in frame: inout Frame) {
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
    var misplacedKeyHint: String {
        guard let misplacedKey else { return "" }
        return "; perhaps a '}' is missing before \"\(misplacedKey.key.debugEscaped)\" at \(misplacedKey.position), which is indented like a key of an outer object"
    }

    mutating func checkDepth(_ stack: [Frame], at offset: Int) throws(JSONSyntaxError) {
        if stack.count >= maxDepth {
            throw error(.tooDeep, at: offset, "nesting is deeper than \(maxDepth) levels")
        }
    }

    /// Reads `"key"` and the `:` after it; returns the key and the offset of its opening quote.
    mutating func parseKeyAndColon(_ stack: [Frame]) throws(JSONSyntaxError) -> (String, Int) {
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

    func containerPath(_ stack: [Frame], upTo top: Int) -> JSONPath {
        var components: [JSONPath.Component] = []
        for frame in stack[..<top] {
            components.append(frame.isObject ? .key(frame.key) : .index(frame.items.count))
        }
        return JSONPath(components)
    }

    mutating func unexpectedEnd(_ stack: [Frame], expecting: String) -> JSONSyntaxError {
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
}
