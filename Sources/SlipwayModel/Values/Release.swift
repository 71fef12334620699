import Foundation

/// The outcome of a release.
public enum ReleaseState: String, Sendable, Codable, CaseIterable {
    /// Created; the release phase or the rollout has not finished.
    case pending
    /// Deployed: this is what the app runs (the latest succeeded release is the current one).
    case succeeded
    /// The release phase failed or the new dynos never became healthy; the previous release kept serving.
    case failed
}

/// `vN` of an app: one build and one config snapshot.
public struct Release: Sendable, Codable, Equatable {
    public var app: ResourceName
    /// N in `vN`, from 1, consecutive per app.
    public var version: Int
    /// The build the release runs, or nil for a config-only release of an app that has never been deployed.
    public var buildID: String?
    /// The config vars the release runs with, as they were when it was made.
    public var config: [String: String]
    /// What made the release ("Deploy 3f2a1c0", "Set FOO config vars", "Rollback to v3", "Promote from staging").
    public var description: String
    public var state: ReleaseState
    /// What the release phase printed (its tail), when it ran.
    public var releasePhaseOutput: String?
    public var createdAt: Date
    /// When the release reached `succeeded` or `failed`.
    public var finishedAt: Date?

    public init(
        app: ResourceName,
        version: Int,
        buildID: String?,
        config: [String: String],
        description: String,
        state: ReleaseState,
        releasePhaseOutput: String? = nil,
        createdAt: Date,
        finishedAt: Date? = nil
    ) {
        self.app = app
        self.version = version
        self.buildID = buildID
        self.config = config
        self.description = description
        self.state = state
        self.releasePhaseOutput = releasePhaseOutput
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    /// `v7`, as shown to users and given to processes as `SLIPWAY_RELEASE`.
    public var label: String { "v\(version)" }
}

/// Which config a new release snapshots.
public enum ReleaseConfig: Sendable, Equatable {
    /// The app's config vars as they are when the release is made (deploy, promotion).
    case currentConfigVars
    /// The given vars; the app's config vars are not touched.
    case snapshot([String: String])
    /// The given vars, which also replace the app's config vars (rollback to an old release's config).
    case restoring([String: String])
}
