/// Checks on values that the schema alone would reject with a less helpful message.
enum Validation {
    /// Config var keys: `[A-Za-z_][A-Za-z0-9_]*`, like shell variable names (what a process can read).
    static func configKeys<Keys: Sequence>(_ keys: Keys, field: String) throws(StoreError) where Keys.Element == String {
        for key in keys {
            guard isConfigKey(key) else {
                throw StoreError.invalidValue("\(field).\(key.prefix(64))",
                    "a config var name is letters, digits and '_', not starting with a digit")
            }
        }
    }

    static func isConfigKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let first = bytes.first, !isDigit(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// Procfile process types: `[A-Za-z0-9_-]+`.
    static func processType(_ type: String) throws(StoreError) {
        let bytes = Array(type.utf8)
        let allowed = bytes.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard !bytes.isEmpty, allowed else {
            throw StoreError.invalidValue(
                "processType", "'\(type.prefix(64))' is not a Procfile process type ([A-Za-z0-9_-]+)")
        }
    }

    static func nonEmpty(_ value: String, field: String) throws(StoreError) {
        guard !value.isEmpty else { throw StoreError.invalidValue(field, "must not be empty") }
    }

    static func positive(_ value: Int, field: String) throws(StoreError) {
        guard value > 0 else { throw StoreError.invalidValue(field, "must be a positive number (got \(value))") }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
