import Foundation

/// What the merge gate decided.
public enum GateVerdict: String, Sendable, Codable, CaseIterable {
    /// The target was moved to the merge commit.
    case merged
    /// The merge was refused; `reason` says why.
    case refused
}

/// One decision of the merge gate on one pull request.
public struct GateDecision: Sendable, Codable, Equatable, Identifiable {
    /// Assigned by the store.
    public var id: Int64
    public var pipeline: ResourceName
    public var prNumber: Int
    /// The test merge commit the decision was about, if one existed.
    public var mergeCommit: String?
    public var verdict: GateVerdict
    /// `check ci failed`, `target moved: re-testing`, `conflicts: a.txt`, or a note on a merge.
    public var reason: String
    public var decidedAt: Date

    public init(
        id: Int64 = 0,
        pipeline: ResourceName,
        prNumber: Int,
        mergeCommit: String?,
        verdict: GateVerdict,
        reason: String,
        decidedAt: Date = Date()
    ) {
        self.id = id
        self.pipeline = pipeline
        self.prNumber = prNumber
        self.mergeCommit = mergeCommit
        self.verdict = verdict
        self.reason = reason
        self.decidedAt = decidedAt
    }
}
