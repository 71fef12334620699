import Hummingbird
import SlipwayModel
import Store

extension APIRequestContext {
    /// The path parameter `key` as a `ResourceName`; 422 naming `key` when it breaks the naming rule.
    func name(_ key: String) throws -> ResourceName {
        let raw = parameters.get(key) ?? ""
        do {
            return try ResourceName(raw)
        } catch {
            throw APIError(.unprocessableContent, id: "invalid_name", error.message, field: key)
        }
    }

    /// A release version from the path: `7` or `v7`; 422 otherwise.
    func releaseVersion(_ key: String) throws -> Int {
        let raw = parameters.get(key) ?? ""
        let digits = raw.hasPrefix("v") ? raw.dropFirst() : Substring(raw)
        guard let version = Int(digits), version >= 1, digits.allSatisfy(\.isASCII) else {
            throw APIError.invalid(key, "\(key): expected a release version like 7 or v7")
        }
        return version
    }
}
