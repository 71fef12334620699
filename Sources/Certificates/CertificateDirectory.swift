import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Certificates kept on disk, one folder per host: `<root>/<host>/cert.pem` (chain) and `key.pem` (mode 0600),
/// so that they survive restarts and are not obtained again on every start.
struct CertificateDirectory: Sendable {
    let root: URL

    init(root: URL) throws {
        self.root = root
        try SecureFiles.makeDirectory(root)
    }

    func load(host: String) -> IssuedCertificate? {
        guard HostName.isValid(host) else { return nil }
        let folder = root.appendingPathComponent(host)
        guard let chain = try? String(contentsOf: folder.appendingPathComponent("cert.pem"), encoding: .utf8),
            let key = try? String(contentsOf: folder.appendingPathComponent("key.pem"), encoding: .utf8)
        else { return nil }
        return try? IssuedCertificate(chainPEM: chain, keyPEM: key)
    }

    /// Every stored certificate (a broken folder is passed over; it is replaced at the next issuance).
    func loadAll() -> [String: IssuedCertificate] {
        let hosts = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var result: [String: IssuedCertificate] = [:]
        for host in hosts {
            if let certificate = load(host: host) { result[host] = certificate }
        }
        return result
    }

    func save(_ certificate: IssuedCertificate, host: String) throws {
        guard HostName.isValid(host) else { throw CertificateError("'\(host)' is not a host name") }
        let folder = root.appendingPathComponent(host)
        try SecureFiles.makeDirectory(folder)
        // The key first: a crash between the two leaves a new key and an old chain, which `load` refuses.
        try SecureFiles.write(certificate.keyPEM, to: folder.appendingPathComponent("key.pem"))
        try SecureFiles.write(certificate.chainPEM, to: folder.appendingPathComponent("cert.pem"), mode: 0o644)
    }
}

/// Host names Slipway obtains certificates for: lowercase DNS labels (a leading `*.` allowed), nothing that
/// could walk out of a folder.
enum HostName {
    static func isValid(_ host: String) -> Bool {
        guard !host.isEmpty, host.count <= 253, !host.hasPrefix("."), !host.hasSuffix("."), !host.contains("..")
        else { return false }
        let body = host.hasPrefix("*.") ? host.dropFirst(2) : Substring(host)
        return body.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
    }
}

/// Files that hold keys: written atomically with mode 0600 from the start (never briefly world-readable).
enum SecureFiles {
    static func makeDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    static func write(_ text: String, to url: URL, mode: Int = 0o600) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(
            atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else { throw CertificateError("cannot write \(url.path)") }
        // rename(2): atomic, and replaces an existing file (readers see the old or the new, never half).
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CertificateError("cannot write \(url.path) (errno \(errno))")
        }
    }
}
