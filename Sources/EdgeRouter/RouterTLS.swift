import NIOSSL

/// The router's HTTPS side: a second listener that terminates TLS and then proxies exactly like the plain
/// one, with `X-Forwarded-Proto: https`. Certificates are picked per connection by the SNI host name.
public struct RouterTLS: Sendable {
    /// Port of the TLS listener (on `RouterConfiguration.host`); `0` picks a free one (``EdgeRouter/httpsPort``).
    public var port: Int
    /// Where the certificate for a host name comes from.
    public var certificates: any TLSCertificateSource
    /// Answer every plain-HTTP request with a redirect to HTTPS (except ACME HTTP-01 challenges).
    /// Off by default: as on Heroku, redirecting stays the app's choice.
    public var redirectHTTP: Bool
    /// Answers ACME HTTP-01 challenges on the plain port (set in `acme` mode).
    public var challenges: (any ACMEChallengeResponder)?

    public init(
        port: Int,
        certificates: any TLSCertificateSource,
        redirectHTTP: Bool = false,
        challenges: (any ACMEChallengeResponder)? = nil
    ) {
        self.port = port
        self.certificates = certificates
        self.redirectHTTP = redirectHTTP
        self.challenges = challenges
    }
}

/// A certificate chain and its key, ready for a handshake.
public struct TLSServingCertificate: Sendable {
    /// Leaf first, then intermediates.
    public let chain: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey
    /// What the handshake callback hands NIOSSL, built once rather than on every handshake.
    let override: NIOSSLContextConfigurationOverride

    public init(chain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) {
        self.chain = chain
        self.privateKey = privateKey
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(privateKey)
        self.override = override
    }
}

/// Certificates by host name, asked by the router during each TLS handshake (on an event loop: answer
/// from memory, quickly) and told which host names it routes, so that it can obtain certificates for them.
public protocol TLSCertificateSource: Sendable {
    /// The certificate to present for `serverName` (the client's SNI; `nil` when it sent none), or `nil`
    /// to refuse the handshake: a host without a certificate never gets another host's.
    func certificate(forServerName serverName: String?) -> TLSServingCertificate?

    /// The router now routes `hosts` (an app or review app was deployed). Must return promptly; slow work
    /// (an ACME order) goes on in the background.
    func hostsRouted(_ hosts: [String]) async

    /// The router no longer routes `hosts` (the app or review app was removed): stop renewing their certificates.
    func hostsUnrouted(_ hosts: [String]) async
}

extension TLSCertificateSource {
    public func hostsUnrouted(_ hosts: [String]) async {}
}

/// Answers ACME HTTP-01 challenges (RFC 8555 §8.3) on the router's plain HTTP port:
/// `GET /.well-known/acme-challenge/<token>` gets the key authorization as `text/plain`.
public protocol ACMEChallengeResponder: Sendable {
    /// The key authorization for `token`, or `nil` when no challenge with that token is pending.
    func keyAuthorization(forToken token: String) -> String?
}

/// Why a TLS handshake was refused.
public struct NoCertificateError: Error, CustomStringConvertible {
    public let serverName: String?
    public var description: String {
        "no certificate for \(serverName.map { "'\($0)'" } ?? "a client that sent no SNI")"
    }
}

enum TLSServerContext {
    /// One server context for every TLS connection; the certificate is chosen in the SNI callback. The
    /// context itself has none, so a handshake the callback refuses ends in an alert and shows no certificate.
    static func make(certificates: any TLSCertificateSource) throws -> NIOSSLContext {
        // The client configuration with verification off is the server one minus its required key and chain
        // (the only difference between the two factories is that a server does not ask for client certificates).
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        configuration.sslContextCallback = { values, promise in
            if let certificate = certificates.certificate(forServerName: values.serverHostname) {
                promise.succeed(certificate.override)
            } else {
                promise.fail(NoCertificateError(serverName: values.serverHostname))
            }
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
