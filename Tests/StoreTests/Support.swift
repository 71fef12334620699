import Foundation
import Testing
@testable import Store

/// A fresh, empty data dir under the system temp dir.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("slipway-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with a fresh data dir, then removes it.
func withDataDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Opens a store in a fresh data dir, runs `body`, closes the store and removes the dir.
func withStore<T>(_ body: (SQLiteStore, URL) async throws -> T) async throws -> T {
    try await withDataDirectory { directory in
        let store = try SQLiteStore(dataDirectory: directory)
        do {
            let result = try await body(store, directory)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// A name known to be valid, for brevity in tests.
func name(_ raw: String) -> ResourceName {
    do { return try ResourceName(raw) } catch { fatalError("test used an invalid name \(raw): \(error)") }
}

/// Runs `body` and returns the `StoreError` it threw, or nil when it did not throw.
func storeError(_ body: () async throws -> Void) async -> StoreError? {
    do {
        try await body()
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(error)")
        return nil
    }
}

/// Runs `body` and records an issue unless it throws a `StoreError` with `code`. A function rather than
/// `#expect(await storeError { … }?.code == …)`: with Swift 6.3.1 in debug builds, a closure inside `#expect`
/// inside another closure was seen to hand the next, textually similar closure the previous one's result.
@discardableResult
func expectStoreError(
    _ code: StoreError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> StoreError? {
    let error = await storeError(body)
    if error?.code != code {
        Issue.record("expected a StoreError \(code), got \(error.map { "\($0.code): \($0.message)" } ?? "no error")",
                     sourceLocation: sourceLocation)
    }
    return error
}

/// A pipeline and a staging app in it, the starting point of many tests.
@discardableResult
func makePipelineAndApp(_ store: SQLiteStore, pipeline: String = "shop", app: String = "shop-staging") async throws -> (Pipeline, App) {
    let p = try await store.createPipeline(Pipeline(name: name(pipeline), repository: "/srv/git/\(pipeline).git"))
    let a = try await store.createApp(App(name: name(app), pipeline: p.name, stage: .staging))
    return (p, a)
}

func makeBuild(_ store: SQLiteStore, id: String = "b-0001", commit: String = "3f2a1c0") async throws -> Build {
    let (build, _) = try await store.createBuildIfAbsent(
        Build(id: id, source: .commit(commit), directory: "/data/builds/\(id)", state: .succeeded, outputTail: "built"))
    return build
}
