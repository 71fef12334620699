/// What an API token may do. Each scope includes the ones before it: `read` < `deploy` < `admin`.
public enum TokenScope: String, Sendable, Codable, CaseIterable, Comparable {
    /// Every GET of the API (but config var values) and the dashboard.
    case read
    /// `read`, plus deploys of commits, rollbacks, promotions, config vars, scaling, and `pr sync`, `pr merge`
    /// and `pr approve`.
    case deploy
    /// Everything: pipelines, apps, tokens, the build cache, and deploys from a directory on the service's machine.
    case admin

    public static func < (lhs: TokenScope, rhs: TokenScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Whether a token of this scope may do what `needed` allows.
    public func allows(_ needed: TokenScope) -> Bool { self >= needed }
}
