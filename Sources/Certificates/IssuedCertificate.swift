import EdgeRouter
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A certificate chain and its private key, as PEM and as what the TLS handshake needs, with the facts the
/// renewal and the host lookup use. `description` never shows the key.
public struct IssuedCertificate: Sendable, CustomStringConvertible {
    /// Leaf first, then intermediates.
    public let chainPEM: String
    let keyPEM: String
    public let dnsNames: [String]
    public let notBefore: Date
    public let notAfter: Date
    /// The leaf's serial number, hex.
    public let serial: String
    let serving: TLSServingCertificate

    public init(chainPEM: String, keyPEM: String) throws {
        let documents = try PEMDocument.parseMultiple(pemString: chainPEM)
        guard let leafDocument = documents.first else {
            throw CertificateError("the certificate file holds no PEM certificate")
        }
        let leaf = try Certificate(derEncoded: leafDocument.derBytes)
        var names: [String] = []
        if let alternatives = try leaf.extensions.subjectAlternativeNames {
            for case .dnsName(let name) in alternatives { names.append(name.lowercased()) }
        }
        self.chainPEM = chainPEM
        self.keyPEM = keyPEM
        self.dnsNames = names
        self.notBefore = leaf.notValidBefore
        self.notAfter = leaf.notValidAfter
        self.serial = leaf.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(chainPEM.utf8))
        let key: NIOSSLPrivateKey
        let parsedKey: Certificate.PrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            parsedKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw CertificateError("the private key is not a PEM private key")
        }
        guard parsedKey.publicKey == leaf.publicKey else {
            throw CertificateError("the private key is not the key of the certificate")
        }
        self.serving = TLSServingCertificate(chain: chain, privateKey: key)
    }

    /// When to renew: two thirds into the certificate's lifetime (what Let's Encrypt recommends and Caddy does).
    public var renewalDate: Date {
        notBefore.addingTimeInterval(notAfter.timeIntervalSince(notBefore) * 2 / 3)
    }

    public func covers(_ host: String) -> Bool {
        dnsNames.contains { HostPattern.matches($0, host: host) }
    }

    public var description: String {
        "certificate \(serial) for \(dnsNames.joined(separator: ", ")), valid until \(notAfter)"
    }
}

/// Certificate name matching as browsers do it (RFC 6125 §6.4.3): exact, or `*.` standing for one whole label.
enum HostPattern {
    static func matches(_ pattern: String, host: String) -> Bool {
        let host = host.lowercased()
        if pattern == host { return true }
        guard pattern.hasPrefix("*."), let dot = host.firstIndex(of: ".") else { return false }
        return host[host.index(after: dot)...] == pattern.dropFirst(2) && dot != host.startIndex
    }
}

/// A certificate problem, said plainly (file names and hosts, never key material).
public struct CertificateError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
