import Foundation
import Orchestration
import HTTPTypes
import Hummingbird
import Platform
import SlipwayModel
import Store

/// `POST /webhooks/github`: GitHub `pull_request` and `push` deliveries, verified by `X-Hub-Signature-256`.
///
/// A bad or missing signature is 401 and changes nothing. A delivery id (`X-GitHub-Delivery`) seen before is
/// acknowledged and ignored. The pipeline is `?pipeline=NAME`, or every pipeline whose repository ends with
/// the payload's `owner/name` (with or without `.git`). The work happens in the background: 202 at once.
struct WebhooksController {
    let store: any SlipwayStore
    let flow: PullRequestFlow
    let secret: String

    /// GitHub's own limit on a delivery.
    static let bodyLimit = 25 * 1024 * 1024

    struct Answer: Encodable {
        var status: String
        var pipelines: [String]
        var detail: [String]
    }

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post("github", use: github)
        return routes
    }

    @Sendable func github(_ request: Request, context: APIRequestContext) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > Self.bodyLimit {
            throw APIError.bodyTooLarge(limit: Self.bodyLimit)
        }
        let body = Data(buffer: try await request.body.collect(upTo: Self.bodyLimit))
        let signature = request.headers[HTTPField.Name(WebhookSignature.headerName)!]
        guard WebhookSignature.isValid(signature, body: body, secret: secret) else {
            throw APIError(.unauthorized, id: "bad_signature",
                           signature == nil ? "missing \(WebhookSignature.headerName) header" : "the \(WebhookSignature.headerName) signature does not match this service's webhook secret")
        }
        let eventName = request.headers[HTTPField.Name("X-GitHub-Event")!]
        let event: GitHubEvent
        do throws(WebhookError) {
            event = try GitHubEvent.decode(event: eventName, body: body)
        } catch {
            throw APIError.invalid(nil, error.message)
        }
        let pipelines = try await targetPipelines(request: request, event: event)
        if let delivery = request.headers[HTTPField.Name("X-GitHub-Delivery")!], !delivery.isEmpty {
            let first = try await store.recordWebhookDelivery(WebhookDelivery(id: String(delivery.prefix(200)), event: eventName ?? ""))
            if !first {
                return try JSONResponse.make(Answer(status: "duplicate", pipelines: pipelines.map(\.rawValue),
                                                    detail: ["delivery \(delivery.prefix(64)) was handled already"]))
            }
        }
        var detail: [String] = []
        for pipeline in pipelines { detail.append(try await flow.apply(event, to: pipeline)) }
        let status = pipelines.isEmpty ? "ignored" : "accepted"
        if pipelines.isEmpty { detail.append("no pipeline watches \(Self.repositoryName(of: event) ?? "this repository")") }
        return try JSONResponse.make(Answer(status: status, pipelines: pipelines.map(\.rawValue), detail: detail),
                                     status: pipelines.isEmpty ? .ok : .accepted)
    }

    private func targetPipelines(request: Request, event: GitHubEvent) async throws -> [ResourceName] {
        if let raw = request.uri.queryParameters.get("pipeline") {
            let name: ResourceName
            do { name = try ResourceName(raw) } catch { throw APIError(.unprocessableContent, id: "invalid_name", error.message, field: "pipeline") }
            return [try await store.pipeline(named: name).name]
        }
        guard let repository = Self.repositoryName(of: event)?.lowercased() else { return [] }
        return try await store.pipelines().filter { pipeline in
            let origin = pipeline.repository.lowercased()
            return origin.hasSuffix("/" + repository) || origin.hasSuffix("/" + repository + ".git")
                || origin.hasSuffix(":" + repository) || origin.hasSuffix(":" + repository + ".git")
        }.map(\.name)
    }

    static func repositoryName(of event: GitHubEvent) -> String? {
        switch event {
        case .pullRequest(let pull): pull.baseRepository
        case .push(let push): push.repository
        case .ping, .ignored: nil
        }
    }
}
