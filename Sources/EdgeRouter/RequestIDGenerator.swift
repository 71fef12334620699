import NIOCore

/// Makes `X-Request-Id` values: random version-4 UUID strings.
///
/// One generator per event loop, seeded from the system's CSPRNG, then stepped with SplitMix64:
/// ids must be unique, not secret, and a `getrandom` call per request would be the slowest part of it.
struct RequestIDGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    private mutating func nextWord() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Writes the next id into `buffer` without making a `String`.
    mutating func write(into buffer: inout ByteBuffer) {
        let words = nextWords()
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 36) { out in
            Self.format(words, into: out)
        }
    }

    mutating func next() -> String {
        let words = nextWords()
        return String(unsafeUninitializedCapacity: 36) { Self.format(words, into: UnsafeMutableRawBufferPointer($0)) }
    }

    /// Two random words with the version 4 in the high nibble of byte 6 and variant 10xx in the top bits of byte 8.
    private mutating func nextWords() -> (UInt64, UInt64) {
        let high = (nextWord() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (nextWord() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return (high, low)
    }

    /// The 36 characters of the UUID, lowercase hex with dashes; returns 36.
    private static func format(_ words: (UInt64, UInt64), into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let digits: StaticString = "0123456789abcdef"
        var position = 0
        func put(_ word: UInt64) {
            for nibble in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                let value = Int((word >> UInt64(60 - 4 * nibble)) & 0xF)
                buffer[position] = digits.utf8Start[value]
                position += 1
            }
        }
        put(words.0)
        put(words.1)
        return position
    }

    /// Whether an incoming `X-Request-Id` is kept: 1–200 characters of letters, digits and `+/=-_.:@`.
    static func isAcceptable(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { isAcceptable(UnsafeRawBufferPointer($0)) }
    }

    static func isAcceptable(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 200 else { return false }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"):
                continue
            default:
                return false
            }
        }
        return true
    }
}
