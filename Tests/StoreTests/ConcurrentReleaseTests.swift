import Foundation
import Testing
@testable import Store
import SlipwayModel

/// Releases made one after the other and from 8 tasks at once, each call its own transaction, on each store: every
/// one gets its own version, with none skipped. (It used to be an opt-in timing; timings belong in ci/bench, so
/// this always runs and prints the durations for information only.)
@Suite struct ConcurrentReleaseTests {
    @Test(arguments: StoreKind.allCases) func thousandCreateReleases(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            let build = try await makeBuild(store)
            _ = try await store.updateConfigVars(app: app.name, set: ["A": "1", "B": "2"], unset: [], description: nil)
            let clock = ContinuousClock()
            let serial = try await clock.measure {
                for i in 0..<1000 {
                    _ = try await store.createRelease(app: app.name, buildID: build.id, description: "Deploy \(i)")
                }
            }
            let concurrent = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for i in 0..<125 {
                                _ = try await store.createRelease(app: app.name, buildID: build.id, description: "Deploy \(worker).\(i)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let releases = try await store.releases(app: app.name)
            #expect(releases.count == 2001 && releases.first?.version == 2001)
            #expect(Set(releases.map(\.version)) == Set(1...2001), "every release has its own version, none skipped")
            print("releases \(kind.testDescription): 1,000 createRelease one at a time \(serial), 1,000 from 8 tasks \(concurrent)")
        }
    }
}
