import Foundation
import Testing
@testable import Store
import SlipwayModel

@Suite struct PipelineAndAppTests {
    @Test(arguments: StoreKind.allCases) func pipelineRoundTripsAndUpdates(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let created = try await store.createPipeline(Pipeline(
                name: name("shop"), repository: "https://git.example/shop.git", targetBranch: "trunk",
                reviewConfigVars: ["STRIPE_KEY": "sk_test"], forksGetReviewConfigVars: true))
            #expect(try await store.pipeline(named: name("shop")) == created)
            #expect(try await store.pipelines() == [created])

            let updated = try await store.updatePipeline(named: name("shop")) { pipeline in
                pipeline.reviewConfigVars["EXTRA"] = "1"
                pipeline.forksGetReviewConfigVars = false
            }
            #expect(updated.reviewConfigVars == ["STRIPE_KEY": "sk_test", "EXTRA": "1"])
            #expect(try await store.pipeline(named: name("shop")) == updated)

            let renamed = await storeError {
                _ = try await store.updatePipeline(named: name("shop")) { $0.name = name("other") }
            }
            #expect(renamed?.code == .invalidValue)
            let duplicate = await storeError { _ = try await store.createPipeline(Pipeline(name: name("shop"), repository: "/x")) }
            #expect(duplicate?.code == .alreadyExists)
        }
    }

    @Test(arguments: StoreKind.allCases) func unknownNamesAreNotFound(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            await expectStoreError(.notFound) { _ = try await store.pipeline(named: name("nope")) }
            await expectStoreError(.notFound) { _ = try await store.app(named: name("nope")) }
            await expectStoreError(.notFound) { _ = try await store.configVars(app: name("nope")) }
            await expectStoreError(.notFound) { _ = try await store.releases(app: name("nope")) }
            await expectStoreError(.notFound) { _ = try await store.build(id: "nope") }
            await expectStoreError(.notFound) { _ = try await store.testRun(id: "nope") }
            await expectStoreError(.notFound) { _ = try await store.revokeToken(name: name("nope")) }
            let error = await storeError { _ = try await store.app(named: name("ghost")) }
            #expect(error?.message == "app 'ghost' not found")
        }
    }

    @Test(arguments: StoreKind.allCases) func foreignKeyRefusesAnAppForAnUnknownPipeline(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let error = await storeError {
                _ = try await store.createApp(App(name: name("web"), pipeline: name("missing"), stage: .staging))
            }
            #expect(error?.code == .notFound)
            #expect(error?.message == "pipeline 'missing' not found")
            let apps = try await store.apps()
            #expect(apps.isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func appsAndReviewAppsRoundTrip(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (pipeline, staging) = try await makePipelineAndApp(store)
            let standalone = try await store.createApp(App(name: name("tools")))
            let review = try await store.createApp(App(
                name: name("shop-pr-7"), pipeline: pipeline.name, stage: .review,
                review: ReviewAppDetails(prNumber: 7, branch: "feature/x", headCommit: "abc", mergeCommit: "def",
                                         fromFork: true, lastDeployedAt: Date(), urlHost: "pr-7.shop.localhost")))
            #expect(try await store.app(named: review.name) == review)
            #expect(try await store.apps() == [review, staging, standalone])
            #expect(try await store.apps(inPipeline: pipeline.name) == [review, staging])
            #expect(try await store.reviewApp(pipeline: pipeline.name, prNumber: 7) == review)
            #expect(try await store.reviewApp(pipeline: pipeline.name, prNumber: 8) == nil)

            let second = await storeError {
                _ = try await store.createApp(App(name: name("shop-pr-7b"), pipeline: pipeline.name, stage: .review,
                    review: ReviewAppDetails(prNumber: 7, branch: "b", headCommit: "c")))
            }
            #expect(second?.code == .conflict)

            let deployed = try await store.updateApp(named: review.name) { app in
                app.review?.state = .destroyed
            }
            #expect(deployed.review?.state == .destroyed)
            #expect(try await store.reviewApp(pipeline: pipeline.name, prNumber: 7) == nil)
            // Destroyed review apps stay as history and free the pull request for a new one.
            _ = try await store.createApp(App(name: name("shop-pr-7b"), pipeline: pipeline.name, stage: .review,
                review: ReviewAppDetails(prNumber: 7, branch: "b", headCommit: "c")))
        }
    }

    @Test(arguments: StoreKind.allCases) func inconsistentStagesAreRefused(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await makePipelineAndApp(store)
            let noStage = await storeError { _ = try await store.createApp(App(name: name("a"), pipeline: name("shop"))) }
            #expect(noStage?.code == .invalidValue)
            let noPipeline = await storeError { _ = try await store.createApp(App(name: name("b"), stage: .staging)) }
            #expect(noPipeline?.code == .invalidValue)
            let reviewOnStaging = await storeError {
                _ = try await store.createApp(App(name: name("c"), pipeline: name("shop"), stage: .staging,
                    review: ReviewAppDetails(prNumber: 1, branch: "x", headCommit: "y")))
            }
            #expect(reviewOnStaging?.code == .invalidValue)
        }
    }

    @Test(arguments: StoreKind.allCases) func deletingRespectsReferences(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (pipeline, app) = try await makePipelineAndApp(store)
            let build = try await makeBuild(store)
            _ = try await store.updateConfigVars(app: app.name, set: ["A": "1"], unset: [], description: nil)
            let release = try await store.createRelease(app: app.name, buildID: build.id, description: "Deploy")
            _ = try await store.recordDyno(Dyno(app: app.name, releaseVersion: release.version, name: "web.1", processType: "web"))

            await expectStoreError(.conflict) { try await store.deletePipeline(named: pipeline.name) }
            await expectStoreError(.conflict) { try await store.deleteBuild(id: build.id) }

            try await store.deleteApp(named: app.name)
            await expectStoreError(.notFound) { _ = try await store.app(named: app.name) }
            #expect(try await store.dynos(inStates: Set(DynoState.allCases)).isEmpty)
            #expect(try await store.unreferencedBuilds() == [build])
            try await store.deleteBuild(id: build.id)
            try await store.deletePipeline(named: pipeline.name)
            #expect(try await store.pipelines().isEmpty)
        }
    }
}
