import Foundation
import SlipwayModel
import GRDB

struct PipelineRow: StoreRecord {
    static let databaseTableName = "pipelines"

    var name: String
    var repository: String
    var targetBranch: String
    var reviewConfigVars: [String: String]
    var forksGetReviewConfigVars: Bool
    var forkPullRequests: String
    var createdAt: Int64

    init(_ pipeline: Pipeline) {
        name = pipeline.name.rawValue
        repository = pipeline.repository
        targetBranch = pipeline.targetBranch
        reviewConfigVars = pipeline.reviewConfigVars
        forksGetReviewConfigVars = pipeline.forksGetReviewConfigVars
        forkPullRequests = pipeline.forkPullRequests.rawValue
        createdAt = pipeline.createdAt.storeMilliseconds
    }

    func value() throws -> Pipeline {
        Pipeline(
            name: try storedName(name),
            repository: repository,
            targetBranch: targetBranch,
            reviewConfigVars: reviewConfigVars,
            forksGetReviewConfigVars: forksGetReviewConfigVars,
            forkPullRequests: try storedEnum(forkPullRequests, ForkPullRequestPolicy.self),
            createdAt: Date(storeMilliseconds: createdAt))
    }
}
