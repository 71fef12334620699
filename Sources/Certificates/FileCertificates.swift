import Crypto
import EdgeRouter
import Foundation
import Synchronization

/// `--tls files`: one certificate and key from files (e.g. a wildcard for `*.<domain>`), served for every host
/// it covers. The files are checked every `pollInterval`; when they change and the new pair loads, the next
/// handshakes use it (no restart). A pair that fails to load is reported and the previous one kept.
public final class FileCertificates: TLSCertificateSource {
    public let certificateURL: URL
    public let keyURL: URL
    private let store = CertificateStore()
    private let state = Mutex(State())
    private let onReload: @Sendable (Result<IssuedCertificate, CertificateError>) -> Void

    private struct State {
        var fingerprint: String = ""
        var current: IssuedCertificate?
        var poller: Task<Void, Never>?
    }

    /// Loads the pair now (throws when it does not load: `serve` refuses to start) and starts watching it.
    /// `onReload` is told of each change seen (the new certificate, or why it was refused).
    public init(
        certificate: URL,
        key: URL,
        pollInterval: Duration = .seconds(2),
        onReload: @escaping @Sendable (Result<IssuedCertificate, CertificateError>) -> Void = { _ in }
    ) throws {
        certificateURL = certificate
        keyURL = key
        self.onReload = onReload
        let (fingerprint, loaded) = try Self.load(certificate: certificate, key: key)
        install(loaded, fingerprint: fingerprint)
        let poller = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                self?.reloadIfChanged()
            }
        }
        state.withLock { $0.poller = poller }
    }

    deinit {
        state.withLock { $0.poller?.cancel() }
    }

    public func stop() {
        state.withLock { $0.poller?.cancel() }
    }

    /// The certificate now served.
    public var current: IssuedCertificate? { state.withLock { $0.current } }

    public func certificate(forServerName serverName: String?) -> TLSServingCertificate? {
        store.serving(serverName: serverName)
    }

    public func hostsRouted(_ hosts: [String]) async {}

    /// Reloads when either file's bytes changed since the last load (compared by content, so a copy that keeps
    /// the modification time is still seen). Returns whether a new pair was installed.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        let fingerprint = Self.fingerprint(certificate: certificateURL, key: keyURL)
        guard fingerprint != state.withLock({ $0.fingerprint }) else { return false }
        do {
            let (loadedFingerprint, loaded) = try Self.load(certificate: certificateURL, key: keyURL)
            install(loaded, fingerprint: loadedFingerprint)
            onReload(.success(loaded))
            return true
        } catch {
            // Remember the broken pair so that it is reported once, not every poll.
            state.withLock { $0.fingerprint = fingerprint }
            onReload(.failure(error))
            return false
        }
    }

    private func install(_ certificate: IssuedCertificate, fingerprint: String) {
        var byName: [String: IssuedCertificate] = [:]
        for name in certificate.dnsNames { byName[name] = certificate }
        store.replaceAll(byName)
        state.withLock {
            $0.fingerprint = fingerprint
            $0.current = certificate
        }
    }

    private static func fingerprint(certificate: URL, key: URL) -> String {
        var hash = SHA256()
        hash.update(data: (try? Data(contentsOf: certificate)) ?? Data())
        hash.update(data: Data([0]))
        hash.update(data: (try? Data(contentsOf: key)) ?? Data())
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func load(certificate: URL, key: URL) throws(CertificateError) -> (String, IssuedCertificate) {
        let fingerprint = fingerprint(certificate: certificate, key: key)
        guard let chain = try? String(contentsOf: certificate, encoding: .utf8) else {
            throw CertificateError("--tls-cert \(certificate.path): cannot read the file")
        }
        guard let keyPEM = try? String(contentsOf: key, encoding: .utf8) else {
            throw CertificateError("--tls-key \(key.path): cannot read the file")
        }
        let loaded: IssuedCertificate
        do {
            loaded = try IssuedCertificate(chainPEM: chain, keyPEM: keyPEM)
        } catch let error as CertificateError {
            throw CertificateError("--tls-cert \(certificate.path) / --tls-key \(key.path): \(error.description)")
        } catch {
            throw CertificateError("--tls-cert \(certificate.path): not a PEM certificate chain (\(error))")
        }
        guard !loaded.dnsNames.isEmpty else {
            throw CertificateError("--tls-cert \(certificate.path): the certificate names no DNS host (subjectAltName)")
        }
        return (fingerprint, loaded)
    }
}
