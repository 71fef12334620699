import Foundation

/// Replaces secret values with `••••` in output Slipway stores or shows (test output tails, release-phase and
/// one-off output, app logs), as GitHub Actions masks its secrets with `***`: code that prints its environment
/// must not put a config var's value on a page, in the API or in a log file.
///
/// Values shorter than `minimumLength` are left alone: a value like `1`, `true` or `web` occurs in ordinary
/// output everywhere, so masking it would mangle every line while protecting nothing (a value that short is
/// guessed, not leaked). Values are replaced longest first, so a value that contains another is masked whole.
public struct SecretMasker: Sendable, Equatable {
    /// What a masked value becomes.
    public static let mask = "••••"
    /// Values with fewer characters than this are not masked.
    public static let minimumLength = 6

    /// Longest first, then in byte order (a stable order for equal lengths).
    public private(set) var values: [String]

    /// Masks every value in `values` that is at least `minimumLength` long.
    public init(_ secrets: some Sequence<String>) {
        values = []
        add(secrets)
    }

    /// Masks the values of config maps (key → value).
    public init(configs: [[String: String]]) {
        self.init(configs.flatMap(\.values))
    }

    public static let none = SecretMasker([String]())

    public var isEmpty: Bool { values.isEmpty }

    /// Adds more values to mask.
    public mutating func add(_ more: some Sequence<String>) {
        var all = Set(values)
        for value in more where value.count >= Self.minimumLength { all.insert(value) }
        values = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `text` with every value replaced by `••••`.
    public func apply(_ text: String) -> String {
        guard !values.isEmpty else { return text }
        var result = text
        for value in values where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: Self.mask)
        }
        return result
    }
}
