import GitHubReporting
import Logging
import ServiceLifecycle
import SlipwayModel

/// The GitHub reporter's parts for `serve`: the observer the pull-request flow's check recorder calls, and the
/// outbox's sender (one for every pipeline; pipelines without GitHub settings queue nothing).
struct GitHubWiring {
    let sender: GitHubDeliverySender
    let checkReporter: GitHubCheckReporter
    let deploymentReporter: GitHubDeploymentReporter

    init(store: any SlipwayStore, options: ServeOptions, reviewAppURL: @escaping @Sendable (String) -> String, logger: Logger) {
        let client = GitHubAPIClient(timeout: .seconds(max(1, options.gitHubTimeoutSeconds)))
        let links = DashboardLinks(publicURL: options.publicURL)
        sender = GitHubDeliverySender(store: store, client: client, logger: logger)
        checkReporter = GitHubCheckReporter(store: store, sender: sender, links: links, reviewAppURL: reviewAppURL, logger: logger)
        deploymentReporter = GitHubDeploymentReporter(store: store, sender: sender, links: links, reviewAppURL: reviewAppURL,
                                                      logger: logger)
    }
}

/// Runs the outbox's sender until shutdown. It starts before the pull-request flow and so stops after it; a
/// request cut short by the shutdown stays in the outbox and is sent after the next start.
struct GitHubSenderService: Service {
    let sender: GitHubDeliverySender

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await sender.run()
        }
    }
}
