import Foundation
import SlipwayModel
@testable import Store
import Testing

/// Several service instances on one store (migration `v9-service-instances`): registration and heartbeats, the
/// adoption of a dead instance's unfinished test runs (each run claimed once, however many adopt at once) and the
/// fencing that refuses a run's former owner.
@Suite struct ServiceInstanceStoreTests {
    static let commit = String(repeating: "c", count: 40)

    @Test(arguments: StoreKind.allCases)
    func instancesHeartbeatAndLeave(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let first = try await store.registerInstance(name: "ci-1:5100")
            let second = try await store.registerInstance(name: "ci-2:5100")
            #expect(first.id != second.id)
            #expect(try await store.liveInstances(heartbeatSince: first.startedAt).map(\.id) == [first.id, second.id])
            try await Task.sleep(for: .milliseconds(20))
            // After both registrations (stored to the millisecond), before the heartbeat.
            let since = Date().storedPrecision
            try await store.heartbeatInstance(id: second.id)
            #expect(try await store.liveInstances(heartbeatSince: since).map(\.id) == [second.id])
            try await store.removeInstance(id: second.id)
            await expectStoreError(.notFound) { try await store.heartbeatInstance(id: second.id) }
            await expectStoreError(.invalidValue) { _ = try await store.registerInstance(name: "") }
        }
    }

    /// A is dead (its heartbeat is before the cutoff), B and C are alive and adopt at the same moment through
    /// stores of their own: every unfinished run of A, and of an instance whose row is gone, goes to exactly one of
    /// them; B's own runs, runs with no owner and finished runs stay where they are.
    @Test(arguments: StoreKind.allCases)
    func twoAdoptersRacingClaimEachRunOnce(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let setup = try await location.open()
            _ = try await setup.createPipeline(Pipeline(name: name("shop"), repository: "/srv/shop.git"))
            let dead = try await setup.registerInstance(name: "dead:5100")
            let gone = try await setup.registerInstance(name: "gone:5100")
            try await setup.removeInstance(id: gone.id)
            try await Task.sleep(for: .milliseconds(30))
            let b = try await setup.registerInstance(name: "b:5100")
            let c = try await setup.registerInstance(name: "c:5100")
            let cutoff = b.heartbeatAt

            var orphans: Set<String> = []
            for number in 1...24 {
                let owner = number.isMultiple(of: 4) ? gone.id : dead.id
                var run = try await setup.createTestRun(pipeline: name("shop"), prNumber: number, branch: nil, commit: Self.commit,
                                                        workers: 1, split: nil, owner: owner)
                run.state = [TestRunState.pending, .queued, .running][number % 3]
                _ = try await setup.updateTestRun(run)
                orphans.insert(run.id)
            }
            var finished = try await setup.createTestRun(pipeline: name("shop"), prNumber: 30, branch: nil, commit: Self.commit,
                                                         workers: 1, split: nil, owner: dead.id)
            finished.state = .succeeded
            _ = try await setup.updateTestRun(finished)
            let livesRun = try await setup.createTestRun(pipeline: name("shop"), prNumber: 31, branch: nil, commit: Self.commit,
                                                         workers: 1, split: nil, owner: b.id)
            let unowned = try await setup.createTestRun(pipeline: name("shop"), prNumber: 32, branch: nil, commit: Self.commit,
                                                        workers: 1, split: nil)

            let storeB = try await location.open()
            let storeC = kind == .postgres ? try await location.open() : storeB
            async let byB = storeB.adoptTestRuns(by: b.id, ownerSilentSince: cutoff)
            async let byC = storeC.adoptTestRuns(by: c.id, ownerSilentSince: cutoff)
            let (adoptedByB, adoptedByC) = try await (byB, byC)
            let idsB = Set(adoptedByB.map(\.id)), idsC = Set(adoptedByC.map(\.id))
            #expect(idsB.isDisjoint(with: idsC), "a run was adopted twice: \(idsB.intersection(idsC))")
            #expect(idsB.union(idsC) == orphans)
            #expect(adoptedByB.allSatisfy { $0.owner == b.id } && adoptedByC.allSatisfy { $0.owner == c.id })
            for run in adoptedByB + adoptedByC {
                #expect(try await setup.testRun(id: run.id).owner == run.owner)
            }
            #expect(try await setup.testRun(id: finished.id).owner == dead.id)
            #expect(try await setup.testRun(id: livesRun.id).owner == b.id)
            #expect(try await setup.testRun(id: unowned.id).owner == nil)
            // Nothing is left to adopt.
            #expect(try await storeC.adoptTestRuns(by: c.id, ownerSilentSince: cutoff).isEmpty)
            if kind == .postgres { try await storeC.close() }
            try await storeB.close()
            try await setup.close()
        }
    }

    /// The instance that lost a run (its heartbeat lapsed and another adopted it) cannot record it: its update is a
    /// `conflict`, and the adopter's result stands. An update without an owner is not fenced, and no update moves
    /// the owner.
    @Test(arguments: StoreKind.allCases)
    func theFormerOwnersUpdateIsRefused(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.createPipeline(Pipeline(name: name("shop"), repository: "/srv/shop.git"))
            let old = try await store.registerInstance(name: "old:5100")
            try await Task.sleep(for: .milliseconds(20))
            let adopter = try await store.registerInstance(name: "new:5100")
            var zombie = try await store.createTestRun(pipeline: name("shop"), prNumber: 1, branch: nil, commit: Self.commit,
                                                       workers: 1, split: nil, owner: old.id)
            #expect(zombie.owner == old.id)
            zombie.state = .running
            zombie = try await store.updateTestRun(zombie)
            #expect(zombie.owner == old.id)

            let adopted = try #require(try await store.adoptTestRuns(by: adopter.id, ownerSilentSince: adopter.heartbeatAt).first)
            #expect(adopted.id == zombie.id && adopted.owner == adopter.id)

            var late = zombie
            late.state = .succeeded
            late.fileResults = [TestFileResult(path: "tests/a.sh", worker: 0, seconds: 1, status: .passed)]
            let error = await expectStoreError(.conflict) { _ = try await store.updateTestRun(late) }
            #expect(error?.message.contains("another service instance") == true)
            #expect(try await store.testRun(id: zombie.id).state == .running)
            #expect(try await store.testRun(id: zombie.id).fileResults.isEmpty)

            var result = adopted
            result.state = .succeeded
            result.fileResults = [TestFileResult(path: "tests/a.sh", worker: 0, seconds: 2, status: .passed)]
            let recorded = try await store.updateTestRun(result)
            #expect(recorded.owner == adopter.id && recorded.fileResults.map(\.seconds) == [2])

            var unfenced = recorded
            unfenced.owner = nil
            unfenced.message = "noted"
            #expect(try await store.updateTestRun(unfenced).owner == adopter.id)
            #expect(try await store.testRun(id: zombie.id).owner == adopter.id)
        }
    }

    /// A newer push at one instance ends the pull request's other unfinished runs, whoever owns them; finished runs,
    /// the kept run and other pull requests' runs stay as they are.
    @Test(arguments: StoreKind.allCases)
    func olderRunsOfAPullRequestAreCancelledWhoeverOwnsThem(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.createPipeline(Pipeline(name: name("shop"), repository: "/srv/shop.git"))
            func run(_ number: Int, owner: String?, state: TestRunState) async throws -> TestRun {
                var run = try await store.createTestRun(pipeline: name("shop"), prNumber: number, branch: nil, commit: Self.commit,
                                                        workers: 1, split: nil, owner: owner)
                run.state = state
                return try await store.updateTestRun(run)
            }
            let elsewhere = try await run(1, owner: "other-instance", state: .running)
            let queued = try await run(1, owner: nil, state: .queued)
            let done = try await run(1, owner: "other-instance", state: .failed)
            let otherPull = try await run(2, owner: "other-instance", state: .running)
            let newest = try await run(1, owner: "this-instance", state: .pending)
            _ = try await run(3, owner: nil, state: .succeeded)
            #expect(try await store.pullRequestsWithUnfinishedTestRuns(pipeline: name("shop")) == [1, 2])
            let cancelled = try await store.cancelTestRuns(pipeline: name("shop"), prNumber: 1, keeping: newest.id,
                                                           message: "cancelled: a newer push replaced it")
            #expect(Set(cancelled) == [elsewhere.id, queued.id])
            let ended = try await store.testRun(id: elsewhere.id)
            #expect(ended.state == .cancelled && ended.finishedAt != nil && ended.message == "cancelled: a newer push replaced it")
            #expect(ended.owner == "other-instance")
            #expect(try await store.testRun(id: done.id).state == .failed)
            #expect(try await store.testRun(id: otherPull.id).state == .running)
            #expect(try await store.testRun(id: newest.id).state == .pending)
            _ = try await store.cancelTestRuns(pipeline: name("shop"), prNumber: 1, keeping: "", message: "cancelled: closed")
            #expect(try await store.pullRequestsWithUnfinishedTestRuns(pipeline: name("shop")) == [2])
        }
    }
}
