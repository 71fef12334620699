/// The byte-level vocabulary `XMLReader` is written in: which bytes make names and whitespace, searching, line
/// ends, and where an offset is as a line and column.
enum XMLBytes {
    /// Non-ASCII bytes are taken as name characters without checking XML's tables of letters: the only cost is
    /// accepting a few odd names.
    static func isNameStart(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || isASCIILetter(byte)
    }

    static func isNameCharacter(_ byte: UInt8) -> Bool {
        isNameStart(byte) || isASCIIDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || isASCIIDigit(byte)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == .space || byte == .tab || byte == .newline || byte == .carriageReturn
    }

    /// Where `pattern` (a few bytes) next starts in `bytes` at or after `start`.
    static func firstIndex(of pattern: String, from start: Int, in bytes: [UInt8]) -> Int? {
        let pattern = Array(pattern.utf8)
        var index = start
        while index + pattern.count <= bytes.count {
            guard let first = bytes[index...].firstIndex(of: pattern[0]) else { return nil }
            if bytes[first...].starts(with: pattern) { return first }
            index = first + 1
        }
        return nil
    }

    /// Some bytes as a string, each CR LF pair and each lone CR made `\n`.
    static func normalizingLineEnds(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(.carriageReturn) else { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == .carriageReturn {
                output.append(.newline)
                if index + 1 < bytes.endIndex, bytes[index + 1] == .newline { index += 1 }
            } else {
                output.append(bytes[index])
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The line (a line ends at LF, CR LF or CR) and the column, in characters, of a byte offset, counting from
    /// `start` (after a byte order mark). Only errors ask, once each, so nothing is counted while reading.
    static func location(of offset: Int, in bytes: [UInt8], from start: Int) -> (line: Int, column: Int) {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = start
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == .newline || byte == .carriageReturn {
                if byte == .carriageReturn, index + 1 < end, bytes[index + 1] == .newline { index += 1 }
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        let characters = bytes[min(lineStart, end)..<end].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return (line, characters + 1)
    }

    /// A byte for an error message: itself in quotes when printable ASCII, else its value.
    static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(UInt32(byte)))"
    }

    /// At least four hex digits, as code points are written (`001B`).
    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isASCIIDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// The ASCII bytes XML's syntax turns on.
extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let ampersand = UInt8(ascii: "&")
    static let semicolon = UInt8(ascii: ";")
    static let hash = UInt8(ascii: "#")
    static let slash = UInt8(ascii: "/")
    static let equals = UInt8(ascii: "=")
    static let questionMark = UInt8(ascii: "?")
    static let exclamationMark = UInt8(ascii: "!")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let openingBracket = UInt8(ascii: "[")
    static let closingBracket = UInt8(ascii: "]")
}
