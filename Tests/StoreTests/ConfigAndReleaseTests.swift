import Foundation
import Testing
@testable import Store
import SlipwayModel

@Suite struct ConfigAndReleaseTests {
    @Test(arguments: StoreKind.allCases) func configChangeCreatesReleaseInOneStep(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            // No build yet: the config release has nothing to run and succeeds at once.
            let v1 = try await store.updateConfigVars(app: app.name, set: ["B": "2", "A": "1"], unset: [], description: nil)
            #expect(v1.version == 1 && v1.buildID == nil && v1.state == .succeeded)
            #expect(v1.description == "Set A, B config vars")
            #expect(v1.config == ["A": "1", "B": "2"])

            let build = try await makeBuild(store)
            let v2 = try await store.createRelease(app: app.name, buildID: build.id, description: "Deploy 3f2a1c0")
            #expect(v2.version == 2 && v2.state == .pending && v2.config == ["A": "1", "B": "2"])
            let finished = try await store.finishRelease(app: app.name, version: 2, state: .succeeded, releasePhaseOutput: "migrated")
            #expect(finished.finishedAt != nil && finished.releasePhaseOutput == "migrated")
            await expectStoreError(.conflict) {
                _ = try await store.finishRelease(app: app.name, version: 2, state: .failed, releasePhaseOutput: nil)
            }

            let v3 = try await store.updateConfigVars(app: app.name, set: ["C": "3"], unset: ["A"], description: nil)
            #expect(v3.buildID == build.id && v3.state == .pending)
            #expect(v3.description == "Set C config vars; Remove A config vars")
            #expect(v3.config == ["B": "2", "C": "3"])
            #expect(try await store.configVars(app: app.name) == ["B": "2", "C": "3"])
            #expect(try await store.currentRelease(app: app.name) == finished)

            // Rollback restores v2's config as the app's config vars.
            let v4 = try await store.createRelease(app: app.name, buildID: build.id, config: .restoring(v2.config),
                                                  description: "Rollback to v2", state: .pending)
            #expect(v4.version == 4 && v4.config == ["A": "1", "B": "2"])
            #expect(try await store.configVars(app: app.name) == ["A": "1", "B": "2"])
            #expect(try await store.releases(app: app.name).map(\.version) == [4, 3, 2, 1])
            #expect(try await store.releases(app: app.name, limit: 2).map(\.version) == [4, 3])
            #expect(try await store.release(app: app.name, version: 3) == v3)
            await expectStoreError(.notFound) { _ = try await store.release(app: app.name, version: 9) }
        }
    }

    @Test(arguments: StoreKind.allCases) func badConfigChangesChangeNothing(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            await expectStoreError(.invalidValue) {
                _ = try await store.updateConfigVars(app: app.name, set: [:], unset: [], description: nil)
            }
            let badKey = await expectStoreError(.invalidValue) {
                _ = try await store.updateConfigVars(app: app.name, set: ["BAD-KEY": "secret-value"], unset: [], description: nil)
            }
            #expect(badKey?.field == "config.BAD-KEY")
            #expect(badKey.map { !$0.message.contains("secret-value") } == true)
            await expectStoreError(.invalidValue) {
                _ = try await store.updateConfigVars(app: app.name, set: ["A": "x"], unset: ["A"], description: nil)
            }
            await expectStoreError(.notFound) {
                _ = try await store.createRelease(app: app.name, buildID: "no-such-build", description: "Deploy")
            }
            #expect(try await store.releases(app: app.name).isEmpty)
            #expect(try await store.configVars(app: app.name).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func concurrentReleasesGetUniqueConsecutiveVersions(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            let build = try await makeBuild(store)
            let count = 60
            let versions = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<count {
                    group.addTask {
                        if i % 3 == 0 {
                            return try await store.updateConfigVars(app: app.name, set: ["K\(i)": "\(i)"], unset: [], description: nil).version
                        }
                        return try await store.createRelease(app: app.name, buildID: build.id, description: "Deploy \(i)").version
                    }
                }
                var all: [Int] = []
                for try await version in group { all.append(version) }
                return all
            }
            #expect(versions.sorted() == Array(1...count))
            #expect(try await store.releases(app: app.name).count == count)
        }
    }

    /// Two store instances on one database (as two processes would be) still never hand out the same version.
    /// SQLite: write transactions are IMMEDIATE, so the second writer waits for the first (busy timeout).
    /// PostgreSQL: the app's row lock makes the second transaction wait for the first to commit.
    @Test(arguments: StoreKind.allCases) func twoInstancesOnOneDatabaseGetUniqueVersions(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let first = try await location.open()
            let second = try await location.open()
            let (_, app) = try await makePipelineAndApp(first)
            let versions = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<40 {
                    let store = i.isMultiple(of: 2) ? first : second
                    group.addTask { try await store.createRelease(app: app.name, buildID: nil, description: "r\(i)").version }
                }
                var all: [Int] = []
                for try await version in group { all.append(version) }
                return all
            }
            #expect(versions.sorted() == Array(1...40))
            try await first.close()
            try await second.close()
        }
    }

    /// Two `createRelease` calls started together, each in its own transaction on its own connection: they get
    /// v1 and v2, never the same version, and both releases are stored.
    @Test(arguments: StoreKind.allCases) func twoConcurrentCreateReleasesGetDifferentVersions(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            let build = try await makeBuild(store)
            for round in 0..<20 {
                async let a = store.createRelease(app: app.name, buildID: build.id, description: "a\(round)")
                async let b = store.createRelease(app: app.name, buildID: build.id, description: "b\(round)")
                let (first, second) = try await (a, b)
                #expect(first.version != second.version)
                #expect(Set([first.version, second.version]) == [2 * round + 1, 2 * round + 2])
            }
            let stored = try await store.releases(app: app.name)
            #expect(stored.map(\.version) == Array((1...40).reversed()))
            #expect(Set(stored.map(\.description)).count == 40)
        }
    }

    @Test(arguments: StoreKind.allCases) func generatedSecretsAreStoredOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (_, app) = try await makePipelineAndApp(store)
            let first = try await store.storeGeneratedSecrets(app: app.name, ["SECRET_KEY_BASE": "aaa"])
            #expect(first == ["SECRET_KEY_BASE": "aaa"])
            let second = try await store.storeGeneratedSecrets(app: app.name, ["SECRET_KEY_BASE": "bbb", "OTHER": "ccc"])
            #expect(second == ["SECRET_KEY_BASE": "aaa", "OTHER": "ccc"])
            #expect(try await store.generatedSecrets(app: app.name) == second)
        }
    }

    @Test(arguments: StoreKind.allCases) func buildsAreContentAddressed(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let build = Build(id: "sha256-abc", source: .directory(digest: "d1"), directory: "/data/builds/abc")
            let (stored, created) = try await store.createBuildIfAbsent(build)
            #expect(created && stored.state == .building)
            let (again, createdAgain) = try await store.createBuildIfAbsent(
                Build(id: "sha256-abc", source: .commit("zzz"), directory: "/elsewhere"))
            #expect(!createdAgain && again == stored)
            let done = try await store.updateBuild(id: build.id, state: .succeeded, outputTail: "ok\n")
            #expect(try await store.build(id: build.id) == done)
            #expect(try await store.builds() == [done])
        }
    }
}
