/// Typed reads from JSON values that report a mismatch at its path instead of failing, so that one pass
/// over a document finds every problem.
struct ValueReader {
    let diagnostics: DiagnosticCollector

    func error(_ path: JSONPath, _ message: String) {
        diagnostics.error(path, message)
    }

    func warning(_ path: JSONPath, _ message: String) {
        diagnostics.warning(path, message)
    }

    func typeError(_ path: JSONPath, expected: String, got value: JSONValue) {
        error(path, "expected \(expected), got \(value.shortDescription)")
    }

    func object(_ value: JSONValue, _ path: JSONPath, expected: String = "an object") -> JSONObject? {
        if case .object(let object) = value { return object }
        typeError(path, expected: expected, got: value)
        return nil
    }

    func string(_ value: JSONValue, _ path: JSONPath, expected: String = "a string") -> String? {
        if case .string(let text) = value { return text }
        typeError(path, expected: expected, got: value)
        return nil
    }

    func bool(_ value: JSONValue, _ path: JSONPath) -> Bool? {
        if case .bool(let flag) = value { return flag }
        typeError(path, expected: "a boolean", got: value)
        return nil
    }

    /// A whole number within `range`. `2.0` counts as 2; `1.5`, `"2"` and `1e400` are errors.
    func integer(_ value: JSONValue, _ path: JSONPath, in range: ClosedRange<Int>, rangeMessage: String? = nil) -> Int? {
        guard case .number(let text) = value else {
            typeError(path, expected: "a whole number", got: value)
            return nil
        }
        let number: Int
        if let exact = Int(text) {
            number = exact
        } else if let double = Double(text), double.isFinite, double.rounded() == double, abs(double) < 1e15 {
            number = Int(double)
        } else {
            typeError(path, expected: "a whole number", got: value)
            return nil
        }
        guard range.contains(number) else {
            error(path, rangeMessage.map { "\($0), got \(number)" } ?? "expected a number from \(range.lowerBound) to \(range.upperBound), got \(number)")
            return nil
        }
        return number
    }

    /// An array of strings; `nil` (with an error per bad element) if any element is not a string.
    func stringArray(_ value: JSONValue, _ path: JSONPath, expected: String = "an array of strings") -> [String]? {
        guard case .array(let items) = value else {
            typeError(path, expected: expected, got: value)
            return nil
        }
        var strings: [String] = []
        var valid = true
        for (index, item) in items.enumerated() {
            if case .string(let text) = item {
                strings.append(text)
            } else {
                typeError(path.index(index), expected: "a string", got: item)
                valid = false
            }
        }
        return valid ? strings : nil
    }

    /// Warns about every key of `object` not in `known`, suggesting the nearest known key.
    func warnUnknownKeys(_ object: JSONObject, _ path: JSONPath, known: [String], ignoredBecause reason: String = "it is ignored") {
        for key in object.keys where !known.contains(key) {
            warning(path.key(key), "unknown key; \(reason)\(Suggestion.hint(for: key, among: known))")
        }
    }
}
