import SlipwayModel

/// What the release of a deploy, rollback, config release or one target of a promotion did.
public struct ReleaseOutcome: Sendable, Equatable {
    public var app: ResourceName
    /// The release made (`failed` when the deploy did not happen).
    public var release: Release
    public var succeeded: Bool
    /// Why the deploy did not happen; the previous release keeps serving.
    public var reason: String?
    /// The tail of the failing step's output (release phase, build, dyno log).
    public var output: String?

    public init(app: ResourceName, release: Release, succeeded: Bool, reason: String? = nil, output: String? = nil) {
        self.app = app
        self.release = release
        self.succeeded = succeeded
        self.reason = reason
        self.output = output
    }
}

/// A promotion: the build promoted and what happened on each target.
public struct PromotionOutcome: Sendable, Equatable {
    public var source: ResourceName
    public var sourceRelease: Int
    public var buildID: String
    public var targets: [ReleaseOutcome]
}
