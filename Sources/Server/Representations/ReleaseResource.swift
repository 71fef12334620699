import Foundation
import SlipwayModel
import Store

/// A release as the API shows it. The config snapshot is shown by key only: values are read through
/// `GET /apps/{app}/config-vars`, so a release listing never spreads secrets.
public struct ReleaseResource: Codable, Sendable, Equatable {
    public var app: String
    public var version: Int
    public var label: String
    public var buildID: String?
    public var configKeys: [String]
    public var description: String
    public var state: String
    public var releasePhaseOutput: String?
    public var createdAt: Date
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case app, version, label, description, state
        case buildID = "build_id"
        case configKeys = "config_keys"
        case releasePhaseOutput = "release_phase_output"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }

    init(_ release: Release) {
        app = release.app.rawValue
        version = release.version
        label = release.label
        buildID = release.buildID
        configKeys = release.config.keys.sorted()
        description = release.description
        state = release.state.rawValue
        releasePhaseOutput = release.releasePhaseOutput
        createdAt = release.createdAt
        finishedAt = release.finishedAt
    }
}

/// The answer to a config change: the app's config vars after it and the release that carries them.
public struct ConfigChangeResource: Codable, Sendable, Equatable {
    public var configVars: [String: String]
    public var release: ReleaseResource

    enum CodingKeys: String, CodingKey {
        case release
        case configVars = "config_vars"
    }
}
