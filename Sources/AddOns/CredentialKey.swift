import Crypto
import Foundation

/// The one secret behind every add-on password: 32 random bytes in `<add-ons dir>/credentials.key` (mode 0600),
/// made on first use. A password is HMAC-SHA256(key, purpose + resource name), so provisioning again after a crash
/// or a restart gives the same credentials without storing any, and a user re-made by recovery matches the URL
/// the app already holds.
struct CredentialKey: Sendable {
    /// The key's bytes (`SymmetricKey` is not `Sendable`; it is made from these for each use).
    private let bytes: Data

    init(key: SymmetricKey) {
        bytes = key.withUnsafeBytes { Data($0) }
    }

    /// Reads the key in `directory`, or makes it there.
    static func load(in directory: URL) throws(AddOnError) -> CredentialKey {
        let file = directory.appendingPathComponent("credentials.key")
        if let data = try? Data(contentsOf: file), data.count == 32 {
            return CredentialKey(key: SymmetricKey(data: data))
        }
        let fresh = SymmetricKey(size: .bits256)
        let bytes = fresh.withUnsafeBytes { Data($0) }
        let temporary = directory.appendingPathComponent("credentials.key.\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw AddOnError(.serverSetup, "cannot write the add-on credentials key in \(directory.path)")
        }
        // link(2) fails when the key exists: of two first starts at once, both end up with the one that won.
        let linked = link(temporary.path, file.path) == 0
        try? FileManager.default.removeItem(at: temporary)
        if linked { return CredentialKey(key: fresh) }
        guard let data = try? Data(contentsOf: file), data.count == 32 else {
            throw AddOnError(.serverSetup, "cannot write the add-on credentials key in \(directory.path)")
        }
        return CredentialKey(key: SymmetricKey(data: data))
    }

    /// A password for `purpose` (`postgres`, `redis`, `admin-postgres`, …) and the resource `name`: 32 hex characters.
    func password(_ purpose: String, _ name: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(purpose)\u{0}\(name)".utf8), using: SymmetricKey(data: bytes))
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
