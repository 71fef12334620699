import Foundation
import SlipwayModel

/// Builds the requests reporters put in the outbox, with the pipeline's repository in their paths.
struct GitHubOutbox {
    let store: any SlipwayStore
    let sender: GitHubDeliverySender
    let settings: GitHubSettings

    var repositoryPath: String { "/repos/\(settings.owner)/\(settings.repository)" }

    func enqueue<Body: Encodable>(_ kind: GitHubDeliveryKind, orderingKey: String, coalesceKey: String?, method: GitHubMethod = .post,
                                  path: String, body: Body) async throws {
        _ = try await store.enqueueGitHubDelivery(GitHubDelivery(
            pipeline: settings.pipeline, kind: kind, orderingKey: orderingKey, coalesceKey: coalesceKey,
            request: GitHubRequest(method: method, path: repositoryPath + path, body: try JSONBody.encode(body))))
        await sender.poke()
    }
}
