/// Makes the values of `generator: "secret"` config vars: 32 random bytes as 64 lowercase hex characters,
/// the same shape Heroku produces.
public enum SecretGenerator {
    /// Number of characters in a generated secret.
    public static let length = 64

    /// A new secret from the system's CSPRNG.
    ///
    /// `SystemRandomNumberGenerator` is cryptographically secure on every platform Swift supports: on Linux it
    /// reads `getrandom(2)` (the kernel CSPRNG), on Apple platforms `arc4random_buf`. Do not replace it with a
    /// seeded generator outside tests.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A new secret from `generator` (tests pass a seeded generator to get repeatable values).
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(length)
        for _ in 0..<(length / 16) {
            var word = generator.next()
            for _ in 0..<16 {
                characters.append(digits[Int(word & 0xF)])
                word >>= 4
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `value` has the shape of a generated secret.
    public static func isWellFormed(_ value: String) -> Bool {
        value.utf8.count == length && value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
