import Foundation

/// A commit status, with GitHub's semantics.
public enum CheckState: String, Sendable, Codable, CaseIterable {
    case pending, success, failure, error
}

/// The names of checks Slipway records itself.
public enum CheckContext {
    /// The test run's verdict on a commit (GitHub's commit-status context, and what the gate requires).
    public static let ci = "ci"
}

/// One recorded status of one context (`ci`) on one commit. Statuses are appended, never overwritten: the
/// latest per context is the check's state, the earlier ones are its history.
public struct Check: Sendable, Codable, Equatable, Identifiable {
    /// Assigned by the store, increasing in recording order.
    public var id: Int64
    public var pipeline: ResourceName
    public var commit: String
    /// The check's name, e.g. `ci`.
    public var context: String
    public var state: CheckState
    public var description: String
    /// Where to look for details (the test run's page).
    public var targetURL: String?
    public var createdAt: Date

    public init(
        id: Int64 = 0,
        pipeline: ResourceName,
        commit: String,
        context: String,
        state: CheckState,
        description: String = "",
        targetURL: String? = nil,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.pipeline = pipeline
        self.commit = commit
        self.context = context
        self.state = state
        self.description = description
        self.targetURL = targetURL
        self.createdAt = createdAt
    }
}
