import Foundation

/// What GitHub answered one request: the status, the headers the sender reads, the body.
public struct GitHubAnswer: Sendable, Equatable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: String

    public init(status: Int, headers: [String: String] = [:], body: String = "") {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// `Retry-After` in seconds (GitHub sends seconds).
    public var retryAfterSeconds: Int? { headers["retry-after"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    public var rateLimitRemaining: Int? { headers["x-ratelimit-remaining"].flatMap { Int($0) } }
    /// `X-RateLimit-Reset`: when the window resets, seconds since 1970.
    public var rateLimitReset: Date? {
        headers["x-ratelimit-reset"].flatMap { TimeInterval($0) }.map { Date(timeIntervalSince1970: $0) }
    }

    /// The `id` of the resource GitHub created (a deployment, a comment), from a JSON object body.
    public var resourceID: Int64? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return (object["id"] as? NSNumber)?.int64Value
    }

    /// GitHub's `message` (and the first error's, for a 422), else the body's start: what a delivery keeps.
    public var summary: String {
        struct Message: Decodable {
            struct Detail: Decodable { var message: String?; var code: String?; var field: String? }
            var message: String?
            var errors: [Detail]?
        }
        if let decoded = try? JSONDecoder().decode(Message.self, from: Data(body.utf8)), let message = decoded.message {
            let details = (decoded.errors ?? []).compactMap { $0.message ?? [$0.field, $0.code].compactMap { $0 }.joined(separator: " ") }
            return details.isEmpty ? message : message + ": " + details.joined(separator: "; ")
        }
        return String(body.prefix(300))
    }
}
