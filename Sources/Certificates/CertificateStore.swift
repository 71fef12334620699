import EdgeRouter
import Synchronization

/// The certificates being served, looked up by SNI during handshakes: exact host first, then a wildcard.
/// A replacement takes effect for the next handshake; open connections keep the one they started with.
final class CertificateStore: Sendable {
    private let byHost = Mutex<[String: IssuedCertificate]>([:])

    func certificate(for host: String) -> IssuedCertificate? {
        byHost.withLock { $0[host] }
    }

    func set(_ certificate: IssuedCertificate?, for host: String) {
        byHost.withLock { $0[host] = certificate }
    }

    func replaceAll(_ certificates: [String: IssuedCertificate]) {
        byHost.withLock { $0 = certificates }
    }

    func all() -> [String: IssuedCertificate] {
        byHost.withLock { $0 }
    }

    /// The certificate to present to a client asking for `serverName`; `nil` (no SNI, or no certificate
    /// covering it) refuses the handshake.
    func serving(serverName: String?) -> TLSServingCertificate? {
        guard let name = serverName?.lowercased(), !name.isEmpty else { return nil }
        return byHost.withLock { certificates in
            if let exact = certificates[name], exact.covers(name) { return exact.serving }
            if let dot = name.firstIndex(of: "."), let wildcard = certificates["*" + name[dot...]],
                wildcard.covers(name)
            {
                return wildcard.serving
            }
            return nil
        }
    }
}
