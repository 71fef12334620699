import EdgeRouter
import Foundation
import Synchronization

/// `--tls internal`: every routed host gets a certificate from the local CA as soon as it is routed (issuing
/// takes about a millisecond, so the first HTTPS request already finds it). Kept in the data dir and renewed at
/// two thirds of its lifetime when the host is routed again or at the hourly check (``start(checkInterval:)``).
public final class InternalCertificates: TLSCertificateSource {
    private let authority: LocalCertificateAuthority
    private let directory: CertificateDirectory
    private let store = CertificateStore()
    private let renewals = Mutex<Task<Void, Never>?>(nil)

    /// The root certificate clients must trust.
    public var rootCertificateURL: URL { authority.rootURL }
    public var rootCertificatePEM: String { authority.rootPEM }

    /// - Parameter folder: `<data dir>/tls/internal`; the CA lives in `ca/`, host certificates in `hosts/`.
    public init(folder: URL) throws {
        authority = try LocalCertificateAuthority(folder: folder.appendingPathComponent("ca"))
        directory = try CertificateDirectory(root: folder.appendingPathComponent("hosts"))
        store.replaceAll(directory.loadAll())
    }

    /// Starts the periodic renewal of every certificate that is due.
    public func start(checkInterval: Duration = .seconds(3600)) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: checkInterval)
                self?.renewDue()
            }
        }
        renewals.withLock { $0 = task }
    }

    public func stop() {
        renewals.withLock { $0?.cancel() }
    }

    /// Renews every certificate past two thirds of its lifetime; returns the hosts renewed.
    @discardableResult
    public func renewDue(now: Date = Date()) -> [String] {
        store.all().compactMap { host, certificate in
            guard now >= certificate.renewalDate, (try? ensureCertificate(for: host, now: now)) != nil else { return nil }
            return host
        }
    }

    public func certificate(forServerName serverName: String?) -> TLSServingCertificate? {
        store.serving(serverName: serverName)
    }

    public func hostsRouted(_ hosts: [String]) async {
        for host in hosts.map({ $0.lowercased() }) where HostName.isValid(host) {
            _ = try? ensureCertificate(for: host)
        }
    }

    /// The host's current certificate, issuing a new one when there is none or it is due for renewal.
    @discardableResult
    public func ensureCertificate(for host: String, now: Date = Date()) throws -> IssuedCertificate {
        if let current = store.certificate(for: host), now < current.renewalDate { return current }
        let issued = try authority.issue(host: host, now: now)
        try directory.save(issued, host: host)
        store.set(issued, for: host)
        return issued
    }

    /// How to make a client trust the local CA, printed by `serve` at start (as Caddy does).
    public var trustInstructions: String {
        """
        HTTPS uses Slipway's local CA. Trust its root certificate to open apps without warnings:
          \(rootCertificateURL.path)
          Debian/Ubuntu: cp \(rootCertificateURL.path) /usr/local/share/ca-certificates/slipway.crt && update-ca-certificates
          macOS: security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain \(rootCertificateURL.path)
          curl: curl --cacert \(rootCertificateURL.path) https://…
        """
    }
}
