import Foundation

/// A webhook delivery that has been processed, remembered by its delivery id (`X-GitHub-Delivery`) so a
/// duplicate delivery changes nothing twice.
public struct WebhookDelivery: Sendable, Codable, Equatable {
    public var id: String
    /// The event name (`pull_request`, `push`).
    public var event: String
    public var receivedAt: Date

    public init(id: String, event: String, receivedAt: Date = Date()) {
        self.id = id
        self.event = event
        self.receivedAt = receivedAt
    }
}
