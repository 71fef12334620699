import Crypto
import Foundation
import SwiftASN1
import X509

/// Slipway's own certificate authority for `--tls internal` (like Caddy's `tls internal`): a root made in the
/// data dir on first start (`root.pem`, and `root.key` with mode 0600), which signs a certificate per app host.
/// Clients that trust `root.pem` trust every app.
struct LocalCertificateAuthority: Sendable {
    let rootPEM: String
    let rootURL: URL
    private let root: Certificate
    private let key: Certificate.PrivateKey

    /// How long a host certificate is valid; renewed at two thirds of it.
    static let leafLifetime: TimeInterval = 30 * 24 * 3600

    /// Loads the CA from `folder`, or creates it there.
    init(folder: URL) throws {
        try SecureFiles.makeDirectory(folder)
        let certificateURL = folder.appendingPathComponent("root.pem")
        let keyURL = folder.appendingPathComponent("root.key")
        rootURL = certificateURL
        let manager = FileManager.default
        if manager.fileExists(atPath: certificateURL.path) || manager.fileExists(atPath: keyURL.path) {
            do {
                rootPEM = try String(contentsOf: certificateURL, encoding: .utf8)
                root = try Certificate(pemEncoded: rootPEM)
                key = Certificate.PrivateKey(
                    try P256.Signing.PrivateKey(pemRepresentation: String(contentsOf: keyURL, encoding: .utf8)))
            } catch {
                throw CertificateError(
                    "the local CA in \(folder.path) is unreadable (root.pem and root.key must be a P-256 certificate "
                        + "and its key); move the folder away to make a new one")
            }
            return
        }
        let rootKey = P256.Signing.PrivateKey()
        key = Certificate.PrivateKey(rootKey)
        let name = try DistinguishedName {
            OrganizationName("Slipway")
            CommonName("Slipway Local CA \(UUID().uuidString.prefix(8))")
        }
        let now = Date()
        let publicKey = Certificate.PublicKey(rootKey.publicKey)
        root = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: key
        )
        rootPEM = try root.serializeAsPEM().pemString
        try SecureFiles.write(rootKey.pemRepresentation, to: keyURL)
        try SecureFiles.write(rootPEM, to: certificateURL, mode: 0o644)
    }

    /// A new certificate and key for `host`, signed by the root; the chain holds the leaf only (clients have
    /// the root).
    func issue(host: String, now: Date = Date()) throws -> IssuedCertificate {
        let leafKey = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(leafKey.publicKey)
        let rootKeyID = try root.extensions.subjectKeyIdentifier?.keyIdentifier
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(Self.leafLifetime),
            issuer: root.subject,
            subject: try DistinguishedName { CommonName(host) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName(host)])
                SubjectKeyIdentifier(hash: publicKey)
                if let rootKeyID { AuthorityKeyIdentifier(keyIdentifier: rootKeyID) }
            },
            issuerPrivateKey: key
        )
        return try IssuedCertificate(chainPEM: leaf.serializeAsPEM().pemString, keyPEM: leafKey.pemRepresentation)
    }
}
