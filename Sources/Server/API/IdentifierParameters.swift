import Foundation
import Hummingbird

/// Path parameters that are identifiers rather than names: commit ids, test-run ids and build ids. Each
/// is checked for shape before the store is asked, so a malformed one is a 422 naming the parameter and a
/// well-formed unknown one is a 404.
extension APIRequestContext {
    /// A git object id: 40 (SHA-1) or 64 (SHA-256) hex digits, answered in lowercase as git writes them.
    func commitID(_ key: String) throws -> String {
        let raw = parameters.get(key) ?? ""
        guard raw.utf8.count == 40 || raw.utf8.count == 64, raw.utf8.allSatisfy(Self.isHexDigit) else {
            throw APIError.invalid(key, "\(key): expected a commit id of 40 or 64 hex digits, got \"\(raw.prefix(70))\"")
        }
        return raw.lowercased()
    }

    /// A test run's id: the UUID the store gave it, answered in lowercase as the store writes it.
    func testRunID(_ key: String) throws -> String {
        let raw = parameters.get(key) ?? ""
        guard raw.utf8.count == 36, UUID(uuidString: raw) != nil else {
            throw APIError.invalid(key, "\(key): expected a test run id (a UUID), got \"\(raw.prefix(40))\"")
        }
        return raw.lowercased()
    }

    /// A build's content address: letters, digits, `-` and `_`, at most 128 characters (the runtime makes
    /// 24 hex digits; the store accepts any id, so the check only keeps out what no id looks like).
    func buildID(_ key: String) throws -> String {
        let raw = parameters.get(key) ?? ""
        let allowed = !raw.isEmpty && raw.utf8.count <= 128 && raw.utf8.allSatisfy {
            Self.isHexDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
        guard allowed else {
            throw APIError.invalid(key, "\(key): expected a build id (letters, digits, '-' and '_'), got \"\(raw.prefix(40))\"")
        }
        return raw
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
