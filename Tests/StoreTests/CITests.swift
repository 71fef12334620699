import Foundation
import Testing
@testable import Store
import SlipwayModel

@Suite struct CITests {
    @Test(arguments: StoreKind.allCases) func testRunsRoundTripWithShardsAndFileResults(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (pipeline, _) = try await makePipelineAndApp(store)
            let run = try await store.createTestRun(pipeline: pipeline.name, prNumber: 12, branch: "feature", commit: "merge12",
                                                    workers: 2, split: "timings")
            #expect(run.state == .pending && UUID(uuidString: run.id) != nil)
            var finished = run
            finished.state = .failed
            finished.startedAt = Date()
            finished.finishedAt = Date().addingTimeInterval(3.25)
            finished.wallTimeSeconds = 3.25
            finished.shards = [
                TestShard(index: 0, files: ["a_test.sh", "b_test.sh"], state: .succeeded, startOffsetSeconds: 0, endOffsetSeconds: 3.1),
                TestShard(index: 1, files: ["c_test.sh"], state: .failed, startOffsetSeconds: 0.1, endOffsetSeconds: 3.25, outputTail: "boom"),
            ]
            finished.fileResults = [
                TestFileResult(path: "a_test.sh", worker: 0, seconds: 1.5, status: .passed, startOffsetSeconds: 0),
                TestFileResult(path: "b_test.sh", worker: 0, seconds: 1.6, status: .flaky, attempts: 2, failure: "timeout",
                               startOffsetSeconds: 1.5),
                TestFileResult(path: "c_test.sh", worker: 1, seconds: 3.1, status: .failed, failure: "exit 1"),
            ]
            finished.message = "1 file failed"
            let stored = try await store.updateTestRun(finished)
            #expect(try await store.testRun(id: run.id) == stored)
            #expect(stored.fileResults.count == 3 && stored.shards.count == 2)
            #expect(stored.fileResults.map(\.startOffsetSeconds) == [0, 1.5, nil])

            let other = try await store.createTestRun(pipeline: pipeline.name, prNumber: 13, branch: nil, commit: "merge13", workers: 1, split: nil)
            #expect(try await store.testRuns(pipeline: pipeline.name, prNumber: nil, limit: nil).map(\.id) == [other.id, run.id])
            #expect(try await store.testRuns(pipeline: pipeline.name, prNumber: 12, limit: nil) == [stored])

            var moved = stored
            moved.commit = "elsewhere"
            await expectStoreError(.invalidValue) { _ = try await store.updateTestRun(moved) }
            let tooMany = await expectStoreError(.invalidValue) {
                _ = try await store.createTestRun(pipeline: pipeline.name, prNumber: 1, branch: nil, commit: "c", workers: 33, split: nil)
            }
            #expect(tooMany?.field == "workers")
        }
    }

    @Test(arguments: StoreKind.allCases) func timingHistoryKeepsTheLastSamples(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (pipeline, _) = try await makePipelineAndApp(store)
            for i in 1...7 {
                try await store.recordFileTimings(pipeline: pipeline.name, ["a_test.sh": Double(i), "b_test.sh": 0.5, "bad": .nan])
            }
            let history = try await store.fileTimings(pipeline: pipeline.name)
            #expect(history["a_test.sh"] == [3, 4, 5, 6, 7])
            #expect(history["b_test.sh"] == [0.5, 0.5, 0.5, 0.5, 0.5])
            #expect(history["bad"] == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func checksKeepHistoryAndReportTheLatest(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (pipeline, _) = try await makePipelineAndApp(store)
            let pending = try await store.recordCheck(pipeline: pipeline.name, commit: "m1", context: "ci", state: .pending,
                                                      description: "running 12 files on 4 workers", targetURL: nil)
            let lint = try await store.recordCheck(pipeline: pipeline.name, commit: "m1", context: "lint", state: .success,
                                                   description: "", targetURL: "http://127.0.0.1:5100/runs/x")
            let failed = try await store.recordCheck(pipeline: pipeline.name, commit: "m1", context: "ci", state: .failure,
                                                     description: "1 of 12 files failed", targetURL: "http://127.0.0.1:5100/runs/y")
            _ = try await store.recordCheck(pipeline: pipeline.name, commit: "m2", context: "ci", state: .success, description: "", targetURL: nil)
            #expect(try await store.checkHistory(pipeline: pipeline.name, commit: "m1") == [pending, lint, failed])
            #expect(try await store.latestChecks(pipeline: pipeline.name, commit: "m1") == [failed, lint])
            #expect(try await store.latestChecks(pipeline: pipeline.name, commit: "none").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func gateDecisionsAreAppended(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (pipeline, _) = try await makePipelineAndApp(store)
            let refused = try await store.recordGateDecision(pipeline: pipeline.name, prNumber: 2, mergeCommit: "m2",
                                                             verdict: .refused, reason: "check ci failed")
            let merged = try await store.recordGateDecision(pipeline: pipeline.name, prNumber: 1, mergeCommit: "m1",
                                                            verdict: .merged, reason: "all required checks succeeded")
            #expect(try await store.gateDecisions(pipeline: pipeline.name, prNumber: nil, limit: nil) == [merged, refused])
            #expect(try await store.gateDecisions(pipeline: pipeline.name, prNumber: 2, limit: nil) == [refused])
            #expect(try await store.gateDecisions(pipeline: pipeline.name, prNumber: nil, limit: 1) == [merged])
        }
    }

    @Test(arguments: StoreKind.allCases) func webhookDeliveriesAreIdempotent(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let delivery = WebhookDelivery(id: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event: "pull_request")
            let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.recordWebhookDelivery(delivery) } }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(firsts.filter { $0 }.count == 1)
            #expect(try await store.pruneWebhookDeliveries(receivedBefore: Date().addingTimeInterval(60)) == 1)
            #expect(try await store.recordWebhookDelivery(delivery))
        }
    }
}
