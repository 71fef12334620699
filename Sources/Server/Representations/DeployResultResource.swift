import Foundation
import Orchestration
import Platform

/// The outcome of a deploy, rollback, scale or one target of a promotion, as the API shows it.
public struct DeployResultResource: Codable, Sendable, Equatable {
    public var app: String
    /// The release made (`failed` when the deploy did not happen).
    public var release: ReleaseResource
    public var succeeded: Bool
    /// Why the deploy did not happen; the previous release keeps serving.
    public var reason: String?
    /// The tail of the failing step's output (release phase, build, dyno log).
    public var output: String?
}

/// The answer to a promotion: the build promoted and what happened on each target.
public struct PromotionResource: Codable, Sendable, Equatable {
    public var source: String
    public var sourceRelease: Int
    public var buildID: String
    public var targets: [DeployResultResource]

    enum CodingKeys: String, CodingKey {
        case source, targets
        case sourceRelease = "source_release"
        case buildID = "build_id"
    }
}

/// A dyno as `ps` shows it.
public struct DynoResource: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
    public var release: Int
    public var state: String
    public var port: Int
    public var restarts: Int
}

extension DeployResultResource {
    init(_ outcome: ReleaseOutcome) {
        self.init(app: outcome.app.rawValue, release: ReleaseResource(outcome.release), succeeded: outcome.succeeded,
                  reason: outcome.reason, output: outcome.output)
    }
}

extension PromotionResource {
    init(_ outcome: PromotionOutcome) {
        self.init(source: outcome.source.rawValue, sourceRelease: outcome.sourceRelease, buildID: outcome.buildID,
                  targets: outcome.targets.map(DeployResultResource.init))
    }
}

extension DynoResource {
    init(_ status: DynoStatus) {
        self.init(name: status.name, type: String(status.name.prefix { $0 != "." }), release: status.release,
                  state: status.state.rawValue, port: status.port, restarts: status.restarts)
    }
}
