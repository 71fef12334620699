import Foundation
import SlipwayModel
import GRDB

struct ReleaseRow: StoreRecord {
    static let databaseTableName = "releases"

    var app: String
    var version: Int
    var buildId: String?
    var config: [String: String]
    var description: String
    var state: String
    var releasePhaseOutput: String?
    var createdAt: Int64
    var finishedAt: Int64?

    init(_ release: Release) {
        app = release.app.rawValue
        version = release.version
        buildId = release.buildID
        config = release.config
        description = release.description
        state = release.state.rawValue
        releasePhaseOutput = release.releasePhaseOutput
        createdAt = release.createdAt.storeMilliseconds
        finishedAt = release.finishedAt?.storeMilliseconds
    }

    func value() throws -> Release {
        Release(
            app: try storedName(app),
            version: version,
            buildID: buildId,
            config: config,
            description: description,
            state: try storedEnum(state, ReleaseState.self),
            releasePhaseOutput: releasePhaseOutput,
            createdAt: Date(storeMilliseconds: createdAt),
            finishedAt: finishedAt.map(Date.init(storeMilliseconds:)))
    }
}
