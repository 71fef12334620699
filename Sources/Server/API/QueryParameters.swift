import Hummingbird

/// Typed reads of the query string. A value that does not parse is a 422 naming the parameter, never
/// silently ignored: `?pr=abc` must not quietly list every pull request's runs.
extension Request {
    /// `?key=N` for a pull request number (1 or more); nil when absent.
    func pullRequestNumber(_ key: String = "pr") throws -> Int? {
        guard let text = uri.queryParameters.get(key) else { return nil }
        guard let value = Int(text), (1...999_999_999).contains(value), text.allSatisfy(\.isASCII) else {
            throw APIError.invalid(key, "\(key): expected a pull request number (1 to 999999999), got \"\(text.prefix(40))\"")
        }
        return value
    }

    /// `?limit=N` from 1 to `maximum`; `defaultValue` when absent.
    func limit(default defaultValue: Int?, maximum: Int = 1000) throws -> Int? {
        guard let text = uri.queryParameters.get("limit") else { return defaultValue }
        guard let value = Int(text), (1...maximum).contains(value) else {
            throw APIError.invalid("limit", "limit: expected an integer from 1 to \(maximum), got \"\(text.prefix(40))\"")
        }
        return value
    }

    /// `?key=true` or `?key=false`; false when absent.
    func flag(_ key: String) throws -> Bool {
        guard let text = uri.queryParameters.get(key) else { return false }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.invalid(key, "\(key): expected true or false, got \"\(text.prefix(40))\"")
        }
    }
}
