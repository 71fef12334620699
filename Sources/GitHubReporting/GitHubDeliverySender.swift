import Foundation
import Logging
import SlipwayModel

/// The background sender of the outbox: takes due deliveries oldest first (one sha's statuses in order, see
/// `GitHubStore.dueGitHubDeliveries`), sends each, and records what GitHub answered. One request at a time, so
/// order holds and a rate limit is seen before the next request; a pipeline under a rate limit is held back
/// while others go on. It runs beside the pull-request flow and never makes it wait.
public actor GitHubDeliverySender {
    let store: any SlipwayStore
    let client: GitHubAPIClient
    let policy: DeliveryPolicy
    let logger: Logger
    /// How often an idle sender looks for due deliveries.
    let pollInterval: Duration
    private var pausedUntil: [ResourceName: Date] = [:]
    private var poked = false

    public init(store: any SlipwayStore, client: GitHubAPIClient, policy: DeliveryPolicy = DeliveryPolicy(),
                pollInterval: Duration = .milliseconds(200), logger: Logger = Logger(label: "slipway.github")) {
        self.store = store
        self.client = client
        self.policy = policy
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Something was enqueued: look again without waiting for the poll.
    public func poke() {
        poked = true
    }

    /// Sends until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            let sent = await sendDue()
            if sent == 0 {
                var waited = Duration.zero
                while !poked, waited < pollInterval, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(20))
                    waited += .milliseconds(20)
                }
                poked = false
            }
        }
    }

    /// Sends the deliveries due now; returns how many it attempted.
    @discardableResult
    public func sendDue(now: Date = Date()) async -> Int {
        let due: [GitHubDelivery]
        do {
            due = try await store.dueGitHubDeliveries(now: now, limit: 50)
        } catch {
            logger.warning("cannot read the GitHub outbox", metadata: ["error": "\(error.message)"])
            return 0
        }
        var attempted = 0
        for delivery in due {
            if Task.isCancelled { break }
            if let until = pausedUntil[delivery.pipeline], until > Date() { continue }
            await attempt(delivery)
            attempted += 1
        }
        return attempted
    }

    /// The request to send: `{deployment_id}` / `{comment_id}` filled in from the deployment or comment an earlier
    /// delivery of the same ordering key created; a comment already created is edited in place (PATCH) rather than
    /// posted again. Throws a non-retryable error when what it refers to was never created.
    func resolve(_ delivery: GitHubDelivery, settings: GitHubSettings) async throws(GitHubReportingError) -> GitHubRequest {
        var request = delivery.request
        do {
            if request.path.contains(GitHubRequest.deploymentID) {
                guard let deployment = try await store.latestDeliveredGitHubDelivery(
                    pipeline: delivery.pipeline, kind: .deployment, orderingKey: delivery.orderingKey)?.resourceID
                else { throw GitHubReportingError(.configuration, "its deployment was never created on GitHub") }
                request.path = request.path.replacingOccurrences(of: GitHubRequest.deploymentID, with: String(deployment))
            }
            if delivery.kind == .comment, request.method == .post,
               let comment = try await store.latestDeliveredGitHubDelivery(
                   pipeline: delivery.pipeline, kind: .comment, orderingKey: delivery.orderingKey)?.resourceID {
                request.method = .patch
                request.path = "/repos/\(settings.owner)/\(settings.repository)/issues/comments/\(comment)"
            }
        } catch let error as GitHubReportingError {
            throw error
        } catch {
            throw GitHubReportingError(.transport, "cannot read the outbox: \(error)")
        }
        return request
    }

    private func attempt(_ delivery: GitHubDelivery) async {
        let decision: DeliveryPolicy.Decision
        let jitter = Double.random(in: 0...1)
        if let settings = try? await store.gitHubSettings(pipeline: delivery.pipeline) {
            do {
                let request = try await resolve(delivery, settings: settings)
                let answer = try await client.send(request, settings: settings)
                decision = policy.decide(answer, attempts: delivery.attempts, usesApp: settings.credentials.kind == .app,
                                         now: Date(), jitter: jitter)
            } catch {
                if Task.isCancelled { return }  // shutting down: the delivery stays as it was, to be sent after a restart
                decision = policy.decide(error, attempts: delivery.attempts, now: Date(), jitter: jitter)
            }
            if decision.invalidateToken { await client.invalidateToken(for: settings) }
        } else {
            decision = DeliveryPolicy.Decision(outcome: .failed(status: nil, response: "the pipeline no longer reports to GitHub"))
        }
        if let pause = decision.pauseUntil { pausedUntil[delivery.pipeline] = pause }
        do {
            let recorded = try await store.recordGitHubAttempt(id: delivery.id, outcome: decision.outcome)
            if recorded.state == .failed {
                logger.warning("GitHub delivery failed", metadata: [
                    "pipeline": "\(delivery.pipeline)", "delivery": "\(delivery.id)", "kind": "\(delivery.kind.rawValue)",
                    "status": "\(recorded.lastStatus.map(String.init) ?? "none")", "answer": "\(recorded.lastResponse ?? "")",
                ])
            }
        } catch {
            logger.warning("cannot record a GitHub delivery's attempt", metadata: ["error": "\(error.message)"])
        }
    }
}
