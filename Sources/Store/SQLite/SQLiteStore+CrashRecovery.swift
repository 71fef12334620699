import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func markInFlightOperationsFailed(reason: String) async throws(StoreError) -> InterruptedWork {
        try Validation.nonEmpty(reason, field: "reason")
        let now = Date().storeMilliseconds
        return try await write { db in
            var work = InterruptedWork()

            let operations = try OperationRow.filter(Column("state") == OperationState.running.rawValue)
                .order(Column("id")).fetchAll(db)
            for var row in operations {
                row.state = OperationState.failed.rawValue
                row.reason = reason
                row.finishedAt = now
                try row.update(db)
                work.operations.append(try row.value())
            }

            let releases = try ReleaseRow.filter(Column("state") == ReleaseState.pending.rawValue)
                .order(Column("app"), Column("version")).fetchAll(db)
            for var row in releases {
                row.state = ReleaseState.failed.rawValue
                row.releasePhaseOutput = [row.releasePhaseOutput, "interrupted: \(reason)"]
                    .compactMap { $0 }.joined(separator: "\n")
                row.finishedAt = now
                try row.update(db)
                work.releases.append(try row.value())
            }

            let builds = try BuildRow.filter(Column("state") == BuildState.building.rawValue)
                .order(Column("id")).fetchAll(db)
            for var row in builds {
                row.state = BuildState.failed.rawValue
                row.outputTail += (row.outputTail.isEmpty ? "" : "\n") + "interrupted: \(reason)"
                try row.update(db)
                work.buildIDs.append(row.id)
            }

            let unfinished = [TestRunState.pending.rawValue, TestRunState.queued.rawValue, TestRunState.running.rawValue]
            let runs = try TestRunRow.filter(unfinished.contains(Column("state")))
                .order(Column("created_at"), Column("id")).fetchAll(db)
            for var row in runs {
                row.state = TestRunState.error.rawValue
                row.message = "interrupted: \(reason)"
                row.finishedAt = now
                try row.update(db)
                work.testRunIDs.append(row.id)
            }

            let creating = try AppRow.filter(Column("review_state") == ReviewAppState.creating.rawValue)
                .order(Column("name")).fetchAll(db)
            for var row in creating {
                row.reviewState = ReviewAppState.failed.rawValue
                try row.update(db)
                work.reviewApps.append(try storedName(row.name))
            }
            return work
        }
    }
}
