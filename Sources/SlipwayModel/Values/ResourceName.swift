/// The name of a pipeline, an app or an API token: `[a-z][a-z0-9-]{0,29}`.
///
/// Names become directory names under the data dir, host names in the router and path segments in the API,
/// so the rule is strict: lowercase ASCII letters, digits and `-`, starting with a letter, at most 30
/// characters. No name can contain `/`, `.` or anything else that could reach outside the data dir.
/// The only way to get a `ResourceName` is through validation (the initializer or decoding).
public struct ResourceName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The longest name allowed.
    public static let maximumLength = 30

    /// The validated name.
    public let rawValue: String

    /// Validates `name`; throws `StoreError` with code `invalidName` naming the rule it breaks.
    public init(_ name: String) throws(StoreError) {
        if let problem = Self.problem(with: name) {
            throw StoreError(.invalidName, "invalid name \(Self.quoted(name)): \(problem)")
        }
        rawValue = name
    }

    /// Why `name` is not a valid name, or nil when it is.
    public static func problem(with name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let first = bytes.first else { return "a name cannot be empty" }
        guard bytes.count <= maximumLength else {
            return "a name is at most \(maximumLength) characters (this one has \(bytes.count))"
        }
        guard isLowercaseLetter(first) else { return "a name starts with a lowercase letter a-z" }
        guard bytes.allSatisfy({ isLowercaseLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) else {
            return "a name contains only lowercase letters a-z, digits 0-9 and '-'"
        }
        return nil
    }

    /// Whether `name` follows the naming rule.
    public static func isValid(_ name: String) -> Bool { problem(with: name) == nil }

    public var description: String { rawValue }

    public static func < (lhs: ResourceName, rhs: ResourceName) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            try self.init(raw)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Quotes a rejected name for a message, cut short so a huge input cannot flood a log line.
    private static func quoted(_ name: String) -> String {
        let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
        return "'" + shown.debugDescription.dropFirst().dropLast() + "'"
    }
}
