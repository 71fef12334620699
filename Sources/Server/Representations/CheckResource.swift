import Foundation
import SlipwayModel
import Store

/// One recorded status of a check (`ci`) on a commit.
public struct CheckResource: Codable, Sendable, Equatable {
    public var id: Int64
    public var pipeline: String
    public var commit: String
    public var context: String
    public var state: String
    public var description: String
    public var targetURL: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, pipeline, commit, context, state, description
        case targetURL = "target_url"
        case createdAt = "created_at"
    }

    init(_ check: Check) {
        id = check.id
        pipeline = check.pipeline.rawValue
        commit = check.commit
        context = check.context
        state = check.state.rawValue
        description = check.description
        targetURL = check.targetURL
        createdAt = check.createdAt
    }
}
