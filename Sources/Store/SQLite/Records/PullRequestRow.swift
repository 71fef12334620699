import Foundation
import SlipwayModel
import GRDB

struct PullRequestRow: StoreRecord {
    static let databaseTableName = "pull_requests"

    var pipeline: String
    var number: Int
    var state: String
    var branch: String
    var headCommit: String
    var fromFork: Bool
    var approvedHead: String?
    var approvedBy: String?
    var approvedAt: Int64?
    var eventAt: Int64?
    var updatedAt: Int64

    init(_ record: PullRequestRecord) {
        pipeline = record.pipeline.rawValue
        number = record.number
        state = record.state.rawValue
        branch = record.branch
        headCommit = record.headCommit
        fromFork = record.fromFork
        approvedHead = record.approval?.headCommit
        approvedBy = record.approval?.approvedBy
        approvedAt = record.approval?.approvedAt.storeMilliseconds
        eventAt = record.eventAt?.storeMilliseconds
        updatedAt = record.updatedAt.storeMilliseconds
    }

    func value() throws -> PullRequestRecord {
        PullRequestRecord(
            pipeline: try storedName(pipeline), number: number, state: try storedEnum(state, PullRequestState.self),
            branch: branch, headCommit: headCommit, fromFork: fromFork,
            approval: ForkApproval.stored(head: approvedHead, by: approvedBy, at: approvedAt),
            eventAt: eventAt.map(Date.init(storeMilliseconds:)), updatedAt: Date(storeMilliseconds: updatedAt))
    }
}
