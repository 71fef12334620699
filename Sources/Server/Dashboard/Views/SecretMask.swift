/// Hides config var values in text the dashboard shows that an app or a test printed (logs, release-phase
/// output, test failures): an app that echoes its environment must not put a secret on the page.
///
/// Values shorter than `minimumLength` are left alone: masking `1` or `true` would mangle every line while
/// protecting nothing.
struct SecretMask: Sendable {
    static let minimumLength = 6

    private let replacements: [(value: String, label: String)]

    /// Masks the values of `configs` (key → value), longest first, so a value containing another is masked whole.
    init(_ configs: [String: String]...) {
        self.init(all: configs)
    }

    init(all configs: [[String: String]]) {
        var seen: [String: String] = [:]
        for config in configs {
            for (key, value) in config where value.count >= Self.minimumLength && seen[value] == nil {
                seen[value] = key
            }
        }
        replacements = seen.map { (value: $0.key, label: "[\($0.value) hidden]") }
            .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.value < $1.value }
    }

    static let none = SecretMask()

    func apply(_ text: String) -> String {
        var result = text
        for replacement in replacements where result.contains(replacement.value) {
            result = result.replacingOccurrences(of: replacement.value, with: replacement.label)
        }
        return result
    }
}
