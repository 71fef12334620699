import Foundation
import SlipwayModel
import Store

/// One decision of the merge gate: merged, or refused with the reason.
public struct GateDecisionResource: Codable, Sendable, Equatable {
    public var id: Int64
    public var pipeline: String
    public var prNumber: Int
    public var mergeCommit: String?
    public var verdict: String
    public var reason: String
    public var decidedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, pipeline, verdict, reason
        case prNumber = "pr_number"
        case mergeCommit = "merge_commit"
        case decidedAt = "decided_at"
    }

    init(_ decision: GateDecision) {
        id = decision.id
        pipeline = decision.pipeline.rawValue
        prNumber = decision.prNumber
        mergeCommit = decision.mergeCommit
        verdict = decision.verdict.rawValue
        reason = decision.reason
        decidedAt = decision.decidedAt
    }
}
