import Crypto
import Foundation

/// RFC 7515 JSON Web Signatures as ACME uses them (RFC 8555 §6.2): flattened JSON, ES256 with the account's
/// P-256 key, the `jwk` header for `newAccount` and the account URL (`kid`) afterwards.
struct AccountKey: Sendable {
    /// The key's raw scalar (`P256.Signing.PrivateKey` is not `Sendable`; it is rebuilt to sign).
    private let rawKey: Data

    init(key: P256.Signing.PrivateKey) {
        rawKey = key.rawRepresentation
    }

    private var key: P256.Signing.PrivateKey {
        // Cannot fail: the bytes came from a valid key.
        try! P256.Signing.PrivateKey(rawRepresentation: rawKey)
    }

    /// The public key as a JWK, members in the lexicographic order RFC 7638 needs for the thumbprint.
    var jwkJSON: String {
        let raw = key.publicKey.x963Representation  // 0x04 || x || y
        let x = Base64URL.encode(raw.dropFirst().prefix(32))
        let y = Base64URL.encode(raw.dropFirst(33))
        return #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
    }

    /// RFC 7638 thumbprint: what key authorizations end with.
    var thumbprint: String {
        Base64URL.encode(SHA256.hash(data: Data(jwkJSON.utf8)))
    }

    func keyAuthorization(token: String) -> String {
        "\(token).\(thumbprint)"
    }

    enum Signer {
        case jwk
        case kid(String)
    }

    /// The request body: `payload` nil is a POST-as-GET (empty payload).
    func sign(url: String, nonce: String, signer: Signer, payload: Data?) throws -> Data {
        let identity: String
        switch signer {
        case .jwk: identity = #""jwk":\#(jwkJSON)"#
        case .kid(let account): identity = #""kid":\#(try jsonString(account))"#
        }
        let protected = #"{"alg":"ES256",\#(identity),"nonce":\#(try jsonString(nonce)),"url":\#(try jsonString(url))}"#
        let protected64 = Base64URL.encode(Data(protected.utf8))
        let payload64 = payload.map { Base64URL.encode($0) } ?? ""
        let signature = try key.signature(for: Data("\(protected64).\(payload64)".utf8))
        let body = #"{"protected":"\#(protected64)","payload":"\#(payload64)","signature":"\#(Base64URL.encode(signature.rawRepresentation))"}"#
        return Data(body.utf8)
    }

    private func jsonString(_ value: String) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}

enum Base64URL {
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
