import EdgeRouter
import Foundation

/// Where `serve`'s certificates come from (`--tls`).
public enum TLSMode: String, Sendable, CaseIterable {
    /// A local CA in the data dir issues a certificate per routed host.
    case `internal`
    /// A certificate per routed host from an ACME directory, HTTP-01 on the router's plain port.
    case acme
    /// One certificate and key from files (e.g. a wildcard), reloaded when they change.
    case files
}

/// `serve`'s HTTPS flags, checked (``validate()``) before anything starts.
public struct ServeTLSOptions: Sendable {
    public var mode: TLSMode
    public var httpsPort: Int
    public var redirectHTTP: Bool
    public var acmeDirectory: String?
    public var acmeEmail: String?
    public var acmeCABundle: URL?
    public var certificateFile: URL?
    public var keyFile: URL?
    /// ACME check/retry timing (tests shorten it).
    public var acmeTiming = ACMECertificates.Timing()

    public init(
        mode: TLSMode, httpsPort: Int, redirectHTTP: Bool = false, acmeDirectory: String? = nil,
        acmeEmail: String? = nil, acmeCABundle: URL? = nil, certificateFile: URL? = nil, keyFile: URL? = nil
    ) {
        self.mode = mode
        self.httpsPort = httpsPort
        self.redirectHTTP = redirectHTTP
        self.acmeDirectory = acmeDirectory
        self.acmeEmail = acmeEmail
        self.acmeCABundle = acmeCABundle
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The flag combination is coherent; the message names the flag.
    public func validate() throws(CertificateError) {
        guard (0...65535).contains(httpsPort) else {
            throw CertificateError("--https-port must be between 1 and 65535, got \(httpsPort)")
        }
        switch mode {
        case .acme:
            guard let acmeDirectory, let url = URL(string: acmeDirectory), url.scheme == "https" || url.scheme == "http",
                url.host != nil
            else { throw CertificateError("--tls acme needs --acme-directory URL (an https:// ACME directory)") }
            if let acmeEmail, !acmeEmail.contains("@") || acmeEmail.contains(" ") {
                throw CertificateError("--acme-email: expected an e-mail address, got '\(acmeEmail)'")
            }
            if let acmeCABundle, !FileManager.default.isReadableFile(atPath: acmeCABundle.path) {
                throw CertificateError("--acme-ca-bundle \(acmeCABundle.path): no such readable file")
            }
        case .files:
            guard let certificateFile, let keyFile else {
                throw CertificateError("--tls files needs --tls-cert FILE and --tls-key FILE")
            }
            // Loaded once here so that a bad pair is refused before anything is started or written.
            _ = try FileCertificates.load(certificate: certificateFile, key: keyFile)
        case .internal:
            break
        }
        if mode != .files && (certificateFile != nil || keyFile != nil) {
            throw CertificateError("--tls-cert and --tls-key go with --tls files")
        }
        if mode != .acme && (acmeDirectory != nil || acmeEmail != nil || acmeCABundle != nil) {
            throw CertificateError("--acme-directory, --acme-email and --acme-ca-bundle go with --tls acme")
        }
    }

    /// Sets the certificates up (the local CA made or loaded, the files loaded, the ACME account key made or
    /// loaded) under `<dataDirectory>/tls`, and says what clients need to know through `announce`.
    public func prepare(dataDirectory: URL, announce: @escaping @Sendable (String) -> Void) throws -> PreparedTLS {
        try validate()
        let folder = dataDirectory.appendingPathComponent("tls")
        switch mode {
        case .internal:
            let source = try InternalCertificates(folder: folder.appendingPathComponent("internal"))
            announce(source.trustInstructions)
            return PreparedTLS(
                router: RouterTLS(port: httpsPort, certificates: source, redirectHTTP: redirectHTTP), localCA: source)
        case .files:
            let source = try FileCertificates(certificate: certificateFile!, key: keyFile!) { result in
                switch result {
                case .success(let certificate): announce("TLS files changed: now serving \(certificate)")
                case .failure(let error): announce("TLS files changed but were not loaded (keeping the previous pair): \(error)")
                }
            }
            announce("HTTPS serves \(source.current.map(String.init(describing:)) ?? "the certificate") from \(certificateFile!.path)")
            return PreparedTLS(
                router: RouterTLS(port: httpsPort, certificates: source, redirectHTTP: redirectHTTP), files: source)
        case .acme:
            let source = try ACMECertificates(
                folder: folder.appendingPathComponent("acme"), directoryURL: acmeDirectory!, email: acmeEmail,
                caBundle: acmeCABundle, timing: acmeTiming, log: { announce("acme: \($0)") })
            announce("HTTPS certificates from \(acmeDirectory!) (HTTP-01 on the router's HTTP port)")
            return PreparedTLS(
                router: RouterTLS(port: httpsPort, certificates: source, redirectHTTP: redirectHTTP, challenges: source),
                acme: source)
        }
    }
}

/// The router's TLS settings plus what runs beside the router (the ACME renewal loop, the file watcher).
public struct PreparedTLS: Sendable {
    public let router: RouterTLS
    public let acme: ACMECertificates?
    let files: FileCertificates?
    let localCA: InternalCertificates?

    init(
        router: RouterTLS, acme: ACMECertificates? = nil, files: FileCertificates? = nil,
        localCA: InternalCertificates? = nil
    ) {
        self.router = router
        self.acme = acme
        self.files = files
        self.localCA = localCA
    }

    /// Starts the periodic renewal checks (ACME, local CA).
    public func start() {
        acme?.start()
        localCA?.start()
    }

    public func shutdown() async {
        files?.stop()
        localCA?.stop()
        await acme?.shutdown()
    }
}
