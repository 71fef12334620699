/// What an XML reference (`&amp;`, `&#233;`, `&#xE9;`) stands for, and which characters XML allows at all.
///
/// Only the five predefined entities are known. A document cannot declare more: `XMLReader` refuses a DOCTYPE
/// with an internal subset, so no user-defined entity is ever expanded (no "billion laughs").
enum XMLEntities {
    /// The character a predefined entity's name stands for (`amp` → `&`), or nil for any other name.
    static func predefined(_ name: ArraySlice<UInt8>) -> UInt8? {
        for (entity, character) in predefinedEntities where name.elementsEqual(entity.utf8) { return character }
        return nil
    }

    private static let predefinedEntities: [(String, UInt8)] = [
        ("lt", UInt8(ascii: "<")), ("gt", UInt8(ascii: ">")), ("amp", UInt8(ascii: "&")),
        ("apos", UInt8(ascii: "'")), ("quot", UInt8(ascii: "\"")),
    ]

    /// The code point of a character reference's digits (`233` decimal, `E9` hex), or nil when the digits are not
    /// a number or the number is not a character XML allows (`&#0;`, `&#xD800;`, `&#x110000;`).
    static func characterReference(_ digits: ArraySlice<UInt8>, hexadecimal: Bool) -> Unicode.Scalar? {
        guard !digits.isEmpty else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            guard let digitValue = Self.digitValue(digit, hexadecimal: hexadecimal) else { return nil }
            value = value * (hexadecimal ? 16 : 10) + digitValue
            // Past the last code point the number is invalid whatever follows; stopping here keeps it from overflowing.
            guard value <= 0x10FFFF else { return nil }
        }
        guard isAllowed(value), let scalar = Unicode.Scalar(value) else { return nil }
        return scalar
    }

    /// XML 1.0's `Char`: tab, newline, carriage return, and everything from U+0020 but the surrogates, U+FFFE and
    /// U+FFFF.
    static func isAllowed(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Appends a code point's UTF-8 bytes.
    static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        UTF8.encode(scalar) { bytes.append($0) }
    }

    private static func digitValue(_ byte: UInt8, hexadecimal: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hexadecimal: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hexadecimal: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
