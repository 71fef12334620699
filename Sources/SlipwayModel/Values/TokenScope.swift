/// What an API token may do. `read` < `deploy` < `admin`: each of those includes the ones before it.
/// `worker` stands apart: it may lease and report test work (the worker routes) and nothing else, so a machine
/// that runs `slipway worker` holds no token that could read or change anything else; `admin` may use the
/// worker routes too.
public enum TokenScope: String, Sendable, Codable, CaseIterable {
    /// Every GET of the API (but config var values) and the dashboard.
    case read
    /// `read`, plus deploys of commits, rollbacks, promotions, config vars, scaling, and `pr sync`, `pr merge`
    /// and `pr approve`.
    case deploy
    /// Everything: pipelines, apps, tokens, the build cache, deploys from a directory on the service's machine,
    /// and the worker routes.
    case admin
    /// Only the worker routes: register and heartbeat, lease, download trees, report test-setup and batches.
    case worker

    /// Whether a token of this scope may do what `needed` allows.
    public func allows(_ needed: TokenScope) -> Bool {
        switch (self, needed) {
        case (.worker, .worker), (.admin, _): true
        case (.worker, _), (_, .worker): false
        default: Self.rank(self) >= Self.rank(needed)
        }
    }

    /// The place of `read`, `deploy` and `admin` in their chain.
    private static func rank(_ scope: TokenScope) -> Int {
        switch scope {
        case .read: 0
        case .deploy: 1
        case .admin, .worker: 2
        }
    }
}
