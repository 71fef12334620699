import Foundation
import Testing
@testable import Store
import SlipwayModel

@Suite struct RuntimeTests {
    @Test(arguments: StoreKind.allCases) func formationScalesAndReplaces(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            let scaled = try await store.updateFormation(app: app.name, [
                FormationEntry(processType: "web", quantity: 2),
                FormationEntry(processType: "worker", quantity: 1, size: "performance-m"),
            ], removingOthers: false)
            #expect(scaled.map(\.processType) == ["web", "worker"])
            let up = try await store.updateFormation(app: app.name, [FormationEntry(processType: "web", quantity: 4)], removingOthers: false)
            #expect(up == [FormationEntry(processType: "web", quantity: 4),
                           FormationEntry(processType: "worker", quantity: 1, size: "performance-m")])
            let replaced = try await store.updateFormation(app: app.name, [FormationEntry(processType: "web", quantity: 1)], removingOthers: true)
            #expect(replaced == [FormationEntry(processType: "web", quantity: 1)])
            #expect(try await store.formation(app: app.name) == replaced)
            await expectStoreError(.invalidValue) {
                _ = try await store.updateFormation(app: app.name, [FormationEntry(processType: "web", quantity: -1)], removingOthers: false)
            }
            await expectStoreError(.invalidValue) {
                _ = try await store.updateFormation(app: app.name, [FormationEntry(processType: "we b", quantity: 1)], removingOthers: false)
            }
        }
    }

    @Test(arguments: StoreKind.allCases) func dynosAreRecordedForCrashRecovery(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            let build = try await makeBuild(store)
            let v1 = try await store.createRelease(app: app.name, buildID: build.id, description: "Deploy")
            let web = try await store.recordDyno(Dyno(app: app.name, releaseVersion: v1.version, name: "web.1", processType: "web"))
            #expect(web.id > 0 && web.state == .starting)
            var up = web
            up.pid = 4242
            up.pgid = 4242
            up.port = 5001
            up.state = .up
            let updated = try await store.updateDyno(up)
            #expect(updated.pid == 4242 && updated.port == 5001 && updated.state == .up)
            #expect(try await store.dynos(app: app.name) == [updated])
            #expect(try await store.dynos(inStates: [.starting, .up]) == [updated])
            #expect(try await store.dynos(inStates: [.stopped]).isEmpty)
            await expectStoreError(.notFound) {
                _ = try await store.recordDyno(Dyno(app: app.name, releaseVersion: 99, name: "web.1", processType: "web"))
            }
            try await store.deleteDyno(id: updated.id)
            #expect(try await store.dynos(app: app.name).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func operationsBeginAndFinish(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (pipeline, app) = try await makePipelineAndApp(store)
            let deploy = try await store.beginOperation(kind: "deploy", app: app.name, pipeline: pipeline.name)
            #expect(deploy.state == .running && deploy.finishedAt == nil)
            let done = try await store.finishOperation(id: deploy.id, state: .succeeded, reason: nil)
            #expect(done.state == .succeeded && done.finishedAt != nil)
            #expect(try await store.operation(id: deploy.id) == done)
            await expectStoreError(.conflict) { _ = try await store.finishOperation(id: deploy.id, state: .failed, reason: "x") }
            await expectStoreError(.notFound) { _ = try await store.finishOperation(id: 999, state: .failed, reason: "x") }
            #expect(try await store.operations(state: .running, limit: nil).isEmpty)
        }
    }

    /// A `serve` killed mid-deploy leaves running operations, a pending release, a build in progress, a test
    /// run and a review app half-made. The next `serve` opens the same database and closes all of them.
    @Test(arguments: StoreKind.allCases) func inFlightWorkIsMarkedFailedAfterACrash(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            // The instance that "crashes": not closed until the end, as after kill -9.
            let crashed = try await location.open()
            let (pipeline, app) = try await makePipelineAndApp(crashed)
            let build = try await makeBuild(crashed)
            let v1 = try await crashed.createRelease(app: app.name, buildID: build.id, description: "Deploy")
            _ = try await crashed.finishRelease(app: app.name, version: v1.version, state: .succeeded, releasePhaseOutput: nil)
            let deploy = try await crashed.beginOperation(kind: "deploy", app: app.name, pipeline: nil)
            let finished = try await crashed.beginOperation(kind: "build", app: app.name, pipeline: nil)
            _ = try await crashed.finishOperation(id: finished.id, state: .succeeded, reason: nil)
            let v2 = try await crashed.createRelease(app: app.name, buildID: build.id, description: "Deploy 2")
            _ = try await crashed.createBuildIfAbsent(Build(id: "b-half", source: .commit("c2"), directory: "/d"))
            let run = try await crashed.createTestRun(pipeline: pipeline.name, prNumber: 3, branch: "x", commit: "m3", workers: 4, split: "timings")
            _ = try await crashed.createApp(App(name: name("shop-pr-3"), pipeline: pipeline.name, stage: .review,
                review: ReviewAppDetails(prNumber: 3, branch: "x", headCommit: "h3")))

            let restarted = try await location.open()
            let work = try await restarted.markInFlightOperationsFailed(reason: "slipway stopped unexpectedly (found at startup)")
            #expect(work.operations.map(\.id) == [deploy.id])
            #expect(work.operations.allSatisfy { $0.state == .failed && $0.reason == "slipway stopped unexpectedly (found at startup)" })
            #expect(work.releases.map(\.version) == [v2.version])
            #expect(work.buildIDs == ["b-half"])
            #expect(work.testRunIDs == [run.id])
            #expect(work.reviewApps == [name("shop-pr-3")])

            #expect(try await restarted.operations(state: .running, limit: nil).isEmpty)
            #expect(try await restarted.operation(id: finished.id).state == .succeeded)
            #expect(try await restarted.release(app: app.name, version: v2.version).state == .failed)
            #expect(try await restarted.currentRelease(app: app.name)?.version == v1.version)
            #expect(try await restarted.testRun(id: run.id).state == .error)
            #expect(try await restarted.app(named: name("shop-pr-3")).review?.state == .failed)

            // Running it again finds nothing left to do.
            #expect(try await restarted.markInFlightOperationsFailed(reason: "again").isEmpty)
            try await restarted.close()
            try await crashed.close()
        }
    }
}
