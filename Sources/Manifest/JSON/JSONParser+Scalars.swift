/// Strings, escapes, numbers and literals.
extension JSONParser {
    mutating func parseString() throws(JSONSyntaxError) -> String {
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

    mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
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

    mutating func parseHex4(escapeOffset: Int) throws(JSONSyntaxError) -> UInt32 {
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

    mutating func parseNumber() throws(JSONSyntaxError) -> String {
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
    mutating func parseLiteral() throws(JSONSyntaxError) -> JSONValue {
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
}
