import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import SwiftASN1
import X509

/// An RFC 8555 client for one account: directory, nonces, account, and the order → HTTP-01 → finalize →
/// download flow for one host. Every request after the directory is a JWS-signed POST; a `badNonce` error is
/// retried with the fresh nonce the server sent with it (§6.5).
actor ACMEClient {
    let directoryURL: String
    let accountKey: AccountKey
    private let contact: String?
    private let http: HTTPClient
    private var isShutDown = false
    private var directory: ACME.Directory?
    private var nonce: String?
    private var accountURL: String?
    /// How long to wait between polls of a pending authorization or order (unless the server says Retry-After).
    private let pollInterval: Duration
    /// Longest an order may take from new order to certificate.
    private let orderTimeout: Duration

    /// - Parameter caBundle: PEM file of CAs trusted for the ACME server's own HTTPS (a private server such as
    ///   pebble); the system's CAs otherwise.
    init(
        directoryURL: String,
        accountKey: AccountKey,
        contact: String?,
        caBundle: URL?,
        pollInterval: Duration = .milliseconds(500),
        orderTimeout: Duration = .seconds(120)
    ) throws {
        self.directoryURL = directoryURL
        self.accountKey = accountKey
        self.contact = contact
        self.pollInterval = pollInterval
        self.orderTimeout = orderTimeout
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caBundle {
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMFile(caBundle.path)
            } catch {
                throw CertificateError("--acme-ca-bundle \(caBundle.path): not a PEM certificate file")
            }
            tls.trustRoots = .certificates(roots)
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        isShutDown = true
        try? await http.shutdown()
    }

    /// A client dropped without `shutdown()` (its owner's start-up or a caller's error path skipped it) still shuts
    /// its HTTP client down, in the background: AsyncHTTPClient traps when one is deinitialised running.
    deinit {
        if !isShutDown { _ = http.shutdown() }
    }

    /// Orders a certificate for `host`, proves control with HTTP-01 (`publish` makes the key authorization
    /// reachable at `/.well-known/acme-challenge/<token>`, `withdraw` removes it), and returns chain and key.
    func obtainCertificate(
        for host: String,
        publish: @Sendable (String, String) -> Void,
        withdraw: @Sendable (String) -> Void
    ) async throws -> IssuedCertificate {
        let deadline = ContinuousClock.now + orderTimeout
        let account = try await ensureAccount()
        let directory = try await loadDirectory()
        let (orderResponse, orderLocation) = try await post(
            directory.newOrder, signer: .kid(account),
            payload: ACME.NewOrder(identifiers: [ACME.Identifier(type: "dns", value: host)]))
        guard let orderURL = orderLocation else { throw CertificateError("the ACME server gave the order no URL") }
        var order = try decode(ACME.Order.self, orderResponse)

        for authorizationURL in order.authorizations {
            try await authorize(authorizationURL, account: account, publish: publish, withdraw: withdraw,
                                deadline: deadline)
        }

        let certificateKey = P256.Signing.PrivateKey()
        let csr = try Self.csr(host: host, key: certificateKey)
        let (finalized, _) = try await post(order.finalize, signer: .kid(account),
                                            payload: ACME.Finalize(csr: Base64URL.encode(csr)))
        order = try decode(ACME.Order.self, finalized)
        while order.status == "processing" || order.status == "pending" || order.status == "ready" {
            try await pause(until: deadline, what: "the order for \(host)")
            order = try decode(ACME.Order.self, try await postAsGet(orderURL, account: account).body)
        }
        guard order.status == "valid", let certificateURL = order.certificate else {
            throw CertificateError("the ACME order for \(host) ended '\(order.status)'\(order.error.map { ": \($0)" } ?? "")")
        }
        let chain = String(decoding: try await postAsGet(certificateURL, account: account).body, as: UTF8.self)
        return try IssuedCertificate(chainPEM: chain, keyPEM: certificateKey.pemRepresentation)
    }

    private func authorize(
        _ url: String,
        account: String,
        publish: @Sendable (String, String) -> Void,
        withdraw: @Sendable (String) -> Void,
        deadline: ContinuousClock.Instant
    ) async throws {
        var authorization = try decode(ACME.Authorization.self, try await postAsGet(url, account: account).body)
        if authorization.status == "valid" { return }
        let host = authorization.identifier.value
        guard let challenge = authorization.challenges.first(where: { $0.type == "http-01" }),
            let token = challenge.token
        else { throw CertificateError("the ACME server offers no http-01 challenge for \(host)") }
        publish(token, accountKey.keyAuthorization(token: token))
        defer { withdraw(token) }
        // An empty JSON object tells the server to validate now (§7.5.1).
        _ = try await post(challenge.url, signer: .kid(account), payload: [String: String]())
        while authorization.status == "pending" {
            try await pause(until: deadline, what: "the validation of \(host)")
            authorization = try decode(ACME.Authorization.self, try await postAsGet(url, account: account).body)
        }
        guard authorization.status == "valid" else {
            let problem = authorization.challenges.first { $0.type == "http-01" }?.error
            throw CertificateError(
                "HTTP-01 validation of \(host) failed\(problem.map { ": \($0)" } ?? " ('\(authorization.status)')")")
        }
    }

    private func pause(until deadline: ContinuousClock.Instant, what: String) async throws {
        guard ContinuousClock.now < deadline else { throw CertificateError("timed out waiting for \(what)") }
        try await Task.sleep(for: pollInterval)
    }

    static func csr(host: String, key: P256.Signing.PrivateKey) throws -> [UInt8] {
        var attributes = CertificateSigningRequest.Attributes()
        attributes.insert(try .init(ExtensionRequest(extensions: try Certificate.Extensions {
            SubjectAlternativeNames([.dnsName(host)])
        })))
        let request = try CertificateSigningRequest(
            version: .v1,
            subject: try DistinguishedName { CommonName(host) },
            privateKey: Certificate.PrivateKey(key),
            attributes: attributes,
            signatureAlgorithm: .ecdsaWithSHA256
        )
        var serializer = DER.Serializer()
        try serializer.serialize(request)
        return serializer.serializedBytes
    }

    // MARK: Account, directory, nonces

    private func ensureAccount() async throws -> String {
        if let accountURL { return accountURL }
        let directory = try await loadDirectory()
        // With the same key, newAccount returns the existing account (200) instead of making one (201).
        let (_, location) = try await post(
            directory.newAccount, signer: .jwk,
            payload: ACME.NewAccount(contact: contact.map { ["mailto:\($0)"] } ?? []))
        guard let location else { throw CertificateError("the ACME server gave the account no URL") }
        accountURL = location
        return location
    }

    private func loadDirectory() async throws -> ACME.Directory {
        if let directory { return directory }
        let response = try await send(HTTPClientRequest(url: directoryURL))
        guard response.status == .ok else {
            throw CertificateError("ACME directory \(directoryURL) answered \(response.status.code)")
        }
        let loaded = try decode(ACME.Directory.self, response.body)
        directory = loaded
        return loaded
    }

    private func freshNonce() async throws -> String {
        if let nonce {
            self.nonce = nil
            return nonce
        }
        var request = HTTPClientRequest(url: try await loadDirectory().newNonce)
        request.method = .HEAD
        let response = try await send(request)
        guard let value = response.headers.first(name: "Replay-Nonce") else {
            throw CertificateError("the ACME server's newNonce gave no Replay-Nonce")
        }
        return value
    }

    // MARK: Requests

    struct Response {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: Data
    }

    private func postAsGet(_ url: String, account: String) async throws -> Response {
        try await signedPost(url, signer: .kid(account), payload: nil).response
    }

    private func post<Payload: Encodable>(
        _ url: String, signer: AccountKey.Signer, payload: Payload
    ) async throws -> (Data, String?) {
        let result = try await signedPost(url, signer: signer, payload: try JSONEncoder().encode(payload))
        return (result.response.body, result.location)
    }

    private func signedPost(
        _ url: String, signer: AccountKey.Signer, payload: Data?
    ) async throws -> (response: Response, location: String?) {
        var attempts = 0
        while true {
            attempts += 1
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/jose+json")
            let body = try accountKey.sign(url: url, nonce: try await freshNonce(), signer: signer, payload: payload)
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await send(request)
            if (200..<300).contains(response.status.code) {
                return (response, response.headers.first(name: "Location"))
            }
            let problem = (try? JSONDecoder().decode(ACME.Problem.self, from: response.body))
                ?? ACME.Problem(type: nil, detail: "HTTP \(response.status.code)")
            if problem.type == "urn:ietf:params:acme:error:badNonce" && attempts < 5 { continue }
            throw CertificateError("ACME \(url): \(problem)")
        }
    }

    private func send(_ request: HTTPClientRequest) async throws -> Response {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(30))
        } catch {
            throw CertificateError("cannot reach the ACME server at \(request.url): \(error)")
        }
        if let value = response.headers.first(name: "Replay-Nonce") { nonce = value }
        let body = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return Response(status: response.status, headers: response.headers, body: Data(body.readableBytesView))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw CertificateError("the ACME server sent a \(type) that does not parse: \(error)")
        }
    }
}
