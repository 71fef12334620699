import Foundation

/// A GitHub webhook delivery, reduced to what Slipway acts on.
public enum GitHubEvent: Sendable, Equatable {
    case pullRequest(PullRequestEvent)
    case push(PushEvent)
    /// Sent when a webhook is created; acknowledged and otherwise ignored.
    case ping
    /// Any other event type (`X-GitHub-Event`), acknowledged and ignored.
    case ignored(String)
}

/// A `pull_request` event.
public struct PullRequestEvent: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case opened, synchronize, reopened, closed
        /// labeled, edited, assigned…: no effect on tests or review apps.
        case other(String)
    }
    public var action: Action
    public var number: Int
    /// The head commit id.
    public var headSHA: String
    /// The head branch name (`changes`).
    public var headRef: String
    /// The target branch name (`main`).
    public var baseRef: String
    /// `owner/name` of the repository the head lives in, and of the one receiving the pull request.
    public var headRepository: String?
    public var baseRepository: String
    /// True when the pull request comes from another repository (a fork): no pipeline secrets by default.
    public var isFromFork: Bool { headRepository != baseRepository }
    /// For `closed`: whether it was merged.
    public var merged: Bool
    /// `pull_request.updated_at`: orders deliveries, so a late one changes nothing.
    public var updatedAt: Date?
}

/// A `push` event.
public struct PushEvent: Sendable, Equatable {
    /// Full ref name, e.g. `refs/heads/main` or `refs/tags/v1`.
    public var ref: String
    public var before: String
    public var after: String
    public var created: Bool
    public var deleted: Bool
    public var repository: String
}

/// A delivery that cannot be understood; the message names the missing or mistyped key.
public struct WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension GitHubEvent {
    /// Decodes a delivery from its `X-GitHub-Event` header value and raw body.
    public static func decode(event: String?, body: Data) throws(WebhookError) -> GitHubEvent {
        guard let event, !event.isEmpty else { throw WebhookError("missing X-GitHub-Event header") }
        switch event {
        case "ping": return .ping
        case "pull_request": return .pullRequest(try decodeBody(PullRequestPayload.self, body, event: event).event)
        case "push": return .push(try decodeBody(PushPayload.self, body, event: event).event)
        default: return .ignored(event)
        }
    }

    private static func decodeBody<T: Decodable>(_ type: T.Type, _ body: Data, event: String) throws(WebhookError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let DecodingError.keyNotFound(key, context) {
            throw WebhookError("\(event) payload: missing key \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw WebhookError("\(event) payload: \(path(context.codingPath)): expected \(expected)")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw WebhookError("\(event) payload: \(path(context.codingPath)): expected \(expected), got null")
        } catch {
            throw WebhookError("\(event) payload is not valid JSON")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

// The subset of GitHub's payloads Slipway reads (https://docs.github.com/webhooks/webhook-events-and-payloads).
private struct RepositoryPayload: Decodable {
    var full_name: String
}

private struct PullRequestPayload: Decodable {
    struct Side: Decodable {
        var sha: String
        var ref: String
        var repo: RepositoryPayload?
    }
    struct PullRequest: Decodable {
        var head: Side
        var base: Side
        var merged: Bool?
        var updated_at: String?
    }
    var action: String
    var number: Int
    var pull_request: PullRequest
    var repository: RepositoryPayload

    var event: PullRequestEvent {
        let action: PullRequestEvent.Action = switch self.action {
        case "opened": .opened
        case "synchronize": .synchronize
        case "reopened": .reopened
        case "closed": .closed
        default: .other(self.action)
        }
        return PullRequestEvent(action: action, number: number, headSHA: pull_request.head.sha,
                                headRef: pull_request.head.ref, baseRef: pull_request.base.ref,
                                // A deleted fork has no head repository: treat it as a fork.
                                headRepository: pull_request.head.repo?.full_name,
                                baseRepository: pull_request.base.repo?.full_name ?? repository.full_name,
                                merged: pull_request.merged ?? false,
                                updatedAt: pull_request.updated_at.flatMap { try? Date($0, strategy: .iso8601) })
    }
}

private struct PushPayload: Decodable {
    var ref: String
    var before: String
    var after: String
    var created: Bool?
    var deleted: Bool?
    var repository: RepositoryPayload

    var event: PushEvent {
        PushEvent(ref: ref, before: before, after: after, created: created ?? false, deleted: deleted ?? false,
                  repository: repository.full_name)
    }
}
