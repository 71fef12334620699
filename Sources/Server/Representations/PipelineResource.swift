import Foundation
import SlipwayModel
import Store

/// A pipeline as the API shows it. Review config var values are secrets: only their keys are shown.
public struct PipelineResource: Codable, Sendable, Equatable {
    public var name: String
    public var repository: String
    public var targetBranch: String
    public var reviewConfigVarKeys: [String]
    public var forksGetReviewConfigVars: Bool
    /// `approve`, `run` or `ignore`: what happens to pull requests from forks.
    public var forkPullRequests: String
    public var createdAt: Date
    /// The pipeline's apps by stage; present on `GET /pipelines/{name}` only.
    public var apps: [PipelineAppEntry]?

    enum CodingKeys: String, CodingKey {
        case name, repository, apps
        case targetBranch = "target_branch"
        case reviewConfigVarKeys = "review_config_var_keys"
        case forksGetReviewConfigVars = "forks_get_review_config_vars"
        case forkPullRequests = "fork_pull_requests"
        case createdAt = "created_at"
    }

    init(_ pipeline: Pipeline, apps: [App]? = nil) {
        name = pipeline.name.rawValue
        repository = pipeline.repository
        targetBranch = pipeline.targetBranch
        reviewConfigVarKeys = pipeline.reviewConfigVars.keys.sorted()
        forksGetReviewConfigVars = pipeline.forksGetReviewConfigVars
        forkPullRequests = pipeline.forkPullRequests.rawValue
        createdAt = pipeline.createdAt
        self.apps = apps?.map { PipelineAppEntry(name: $0.name.rawValue, stage: $0.stage?.rawValue ?? "") }
    }
}

/// One app of a pipeline, with its stage.
public struct PipelineAppEntry: Codable, Sendable, Equatable {
    public var name: String
    public var stage: String
}
