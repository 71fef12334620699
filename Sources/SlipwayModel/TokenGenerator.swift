/// Makes API tokens: `slw_` and 64 lowercase hex characters from 32 bytes of the system CSPRNG
/// (`SystemRandomNumberGenerator` reads `getrandom(2)` on Linux, `arc4random` on Darwin).
public enum TokenGenerator {
    public static let prefix = "slw_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = prefix
        for _ in 0..<32 {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            hex += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return hex
    }
}
