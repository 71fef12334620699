import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func pullRequest(pipeline: ResourceName, number: Int) async throws(StoreError) -> PullRequestRecord? {
        try await read { db in
            try PullRequestRow.fetchOne(db, key: ["pipeline": pipeline.rawValue, "number": number])?.value()
        }
    }

    public func pullRequests(pipeline: ResourceName, state: PullRequestState?) async throws(StoreError) -> [PullRequestRecord] {
        try await read { db in
            _ = try Self.requirePipeline(db, pipeline)
            var request = PullRequestRow.filter(Column("pipeline") == pipeline.rawValue)
            if let state { request = request.filter(Column("state") == state.rawValue) }
            return try request.order(Column("number")).fetchAll(db).map { try $0.value() }
        }
    }

    public func updatePullRequest(
        pipeline: ResourceName,
        number: Int,
        _ change: @escaping @Sendable (inout PullRequestRecord?) -> Void
    ) async throws(StoreError) -> PullRequestRecord? {
        guard number > 0 else { throw StoreError(.invalidValue, "number: a pull request number is positive, got \(number)") }
        return try await write { db in
            _ = try Self.requirePipeline(db, pipeline)
            let key: [String: any DatabaseValueConvertible] = ["pipeline": pipeline.rawValue, "number": number]
            let stored = try PullRequestRow.fetchOne(db, key: key)?.value()
            var record = stored
            change(&record)
            guard var record else { return stored }
            guard record.pipeline == pipeline, record.number == number else {
                throw StoreError(.invalidValue, "a pull request's pipeline and number cannot change")
            }
            record.updatedAt = Date()
            try PullRequestRow(record).save(db)
            return try PullRequestRow.fetchOne(db, key: key)?.value()
        }
    }
}
