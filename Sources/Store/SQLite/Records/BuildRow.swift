import Foundation
import SlipwayModel
import GRDB

struct BuildRow: StoreRecord {
    static let databaseTableName = "builds"

    var id: String
    var sourceKind: String
    var source: String
    var directory: String
    var state: String
    var outputTail: String
    var createdAt: Int64

    init(_ build: Build) {
        id = build.id
        switch build.source {
        case .commit(let commit):
            sourceKind = "commit"
            source = commit
        case .directory(let digest):
            sourceKind = "directory"
            source = digest
        }
        directory = build.directory
        state = build.state.rawValue
        outputTail = build.outputTail
        createdAt = build.createdAt.storeMilliseconds
    }

    func value() throws -> Build {
        let buildSource: BuildSource
        switch sourceKind {
        case "commit": buildSource = .commit(source)
        case "directory": buildSource = .directory(digest: source)
        default: throw StoreError(.database, "the database holds an unknown build source kind '\(sourceKind)'")
        }
        return Build(
            id: id,
            source: buildSource,
            directory: directory,
            state: try storedEnum(state, BuildState.self),
            outputTail: outputTail,
            createdAt: Date(storeMilliseconds: createdAt))
    }
}
