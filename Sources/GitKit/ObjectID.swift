import CGit2

/// A git object id (SHA-1), as a `Sendable` value that outlives any libgit2 handle.
public struct ObjectID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The 40 lowercase hexadecimal characters.
    public let hex: String

    /// Accepts exactly 40 hexadecimal characters (any case).
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var lowercase = true
        for byte in hex.utf8 {
            guard byte.isHexDigit else { return nil }
            if byte >= 0x41 && byte <= 0x46 { lowercase = false }
        }
        self.hex = lowercase ? hex : hex.lowercased()
    }

    init(_ oid: git_oid) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        hex = withUnsafeBytes(of: oid.id) { bytes in
            String(unsafeUninitializedCapacity: 40) { buffer in
                for (index, byte) in bytes.enumerated() {
                    buffer[2 * index] = digits[Int(byte >> 4)]
                    buffer[2 * index + 1] = digits[Int(byte & 0x0f)]
                }
                return 40
            }
        }
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    var oid: git_oid {
        var oid = git_oid()
        _ = git_oid_fromstr(&oid, hex)
        return oid
    }

    public var description: String { hex }
    /// The first seven characters, as `git log --oneline` shows.
    public var short: String { String(hex.prefix(7)) }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ObjectID(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an object id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
