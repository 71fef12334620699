import Foundation

/// The lifecycle of a tracked operation.
public enum OperationState: String, Sendable, Codable, CaseIterable {
    case running, succeeded, failed
}

/// A long piece of work (deploy, promotion, build, review-app creation, test run…) recorded while it runs,
/// so that after a crash nothing is left `running`: a new `serve` marks it failed with a reason.
///
/// (Named `TrackedOperation` so it never collides with Foundation's `Operation`.)
public struct TrackedOperation: Sendable, Codable, Equatable, Identifiable {
    /// Assigned by the store.
    public var id: Int64
    /// What the work is: `deploy`, `promote`, `build`, `review-app-create`, … (the platform names them).
    public var kind: String
    /// The app it acts on, if any. Kept as a name, not a reference, so the record outlives the app.
    public var app: ResourceName?
    /// The pipeline it acts on, if any.
    public var pipeline: ResourceName?
    public var state: OperationState
    /// Why it failed (or a short note on success).
    public var reason: String?
    public var startedAt: Date
    public var finishedAt: Date?

    public init(
        id: Int64,
        kind: String,
        app: ResourceName?,
        pipeline: ResourceName?,
        state: OperationState,
        reason: String?,
        startedAt: Date,
        finishedAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.app = app
        self.pipeline = pipeline
        self.state = state
        self.reason = reason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// What `markInFlightOperationsFailed(reason:)` found unfinished and closed.
public struct InterruptedWork: Sendable, Codable, Equatable {
    /// Operations that were `running`, now `failed` with the reason.
    public var operations: [TrackedOperation]
    /// Releases that were `pending`, now `failed` (the previous release is still the current one).
    public var releases: [Release]
    /// Builds that were `building`, now `failed`.
    public var buildIDs: [String]
    /// Test runs that were `pending` or `running`, now `error`.
    public var testRunIDs: [String]
    /// Review apps that were `creating`, now `failed`.
    public var reviewApps: [ResourceName]

    public init(
        operations: [TrackedOperation] = [],
        releases: [Release] = [],
        buildIDs: [String] = [],
        testRunIDs: [String] = [],
        reviewApps: [ResourceName] = []
    ) {
        self.operations = operations
        self.releases = releases
        self.buildIDs = buildIDs
        self.testRunIDs = testRunIDs
        self.reviewApps = reviewApps
    }

    public var isEmpty: Bool {
        operations.isEmpty && releases.isEmpty && buildIDs.isEmpty && testRunIDs.isEmpty && reviewApps.isEmpty
    }
}
