import Foundation

/// The ACME resources Slipway reads (RFC 8555 §7.1), only the fields it needs.
enum ACME {
    struct Directory: Decodable {
        let newNonce: String
        let newAccount: String
        let newOrder: String
    }

    struct Identifier: Codable {
        let type: String
        let value: String
    }

    struct Order: Decodable {
        let status: String
        let authorizations: [String]
        let finalize: String
        let certificate: String?
        let error: Problem?
    }

    struct Authorization: Decodable {
        let status: String
        let identifier: Identifier
        let challenges: [Challenge]
    }

    struct Challenge: Decodable {
        let type: String
        let url: String
        let token: String?
        let status: String
        let error: Problem?
    }

    /// RFC 7807 problem document, as ACME errors come.
    struct Problem: Decodable, Error, CustomStringConvertible {
        let type: String?
        let detail: String?
        var description: String {
            let kind = type.map { $0.replacingOccurrences(of: "urn:ietf:params:acme:error:", with: "") } ?? "error"
            return "\(kind): \(detail ?? "(no detail)")"
        }
    }

    struct NewAccount: Encodable {
        let termsOfServiceAgreed = true
        let contact: [String]
    }

    struct NewOrder: Encodable {
        let identifiers: [Identifier]
    }

    struct Finalize: Encodable {
        let csr: String
    }
}
