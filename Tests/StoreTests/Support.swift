import Foundation
import PostgresTestSupport
import Testing
@testable import Store
import SlipwayModel

/// The two implementations of `SlipwayStore`: every store test runs once on each (`@Test(arguments:)`).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { self == .sqlite ? "SQLite" : "PostgreSQL" }

    /// The schema migrations a new store of this kind has applied.
    var migrationIdentifiers: [String] {
        self == .sqlite ? Migrations.identifiers : PostgresMigrations.identifiers
    }
}

/// Where a store lives, so a test can open it more than once (a restart, two instances at once): a fresh data
/// dir for SQLite, a fresh database on the test cluster for PostgreSQL.
struct StoreLocation: Sendable {
    let kind: StoreKind
    /// The data dir (SQLite's file lives here; for PostgreSQL it stays empty).
    let directory: URL
    /// The database's URL (PostgreSQL only).
    let url: PostgresURL?
    /// The database's name on the test cluster (PostgreSQL only).
    let database: String?

    /// Opens the store; a PostgreSQL store runs its pool until it is closed.
    func open() async throws -> any SlipwayStore {
        switch kind {
        case .sqlite: try SQLiteStore(dataDirectory: directory)
        case .postgres: try await PostgresStore.connect(url!)
        }
    }
}

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

/// Runs `body` with a fresh location of `kind` (a data dir, plus a database for PostgreSQL), then removes it.
func withStoreLocation<T>(_ kind: StoreKind, _ body: (StoreLocation) async throws -> T) async throws -> T {
    try await withDataDirectory { directory in
        guard kind == .postgres else {
            return try await body(StoreLocation(kind: kind, directory: directory, url: nil, database: nil))
        }
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.makeDatabase()
        do {
            let location = StoreLocation(
                kind: kind, directory: directory, url: try PostgresURL(cluster.url(database: database)), database: database)
            let result = try await body(location)
            try await cluster.dropDatabase(database)
            return result
        } catch {
            try? await cluster.dropDatabase(database)
            throw error
        }
    }
}

/// Opens a fresh store of `kind`, runs `body`, closes the store and removes what it lived in.
func withStore<T>(_ kind: StoreKind, _ body: (any SlipwayStore) async throws -> T) async throws -> T {
    try await withStoreLocation(kind) { location in
        let store = try await location.open()
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// A SQLite store in a fresh data dir, for the tests of what only SQLite has (its file, WAL mode, in-memory stores).
func withSQLiteStore<T>(_ body: (SQLiteStore, URL) async throws -> T) async throws -> T {
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
func makePipelineAndApp(_ store: any SlipwayStore, pipeline: String = "shop", app: String = "shop-staging") async throws -> (Pipeline, App) {
    let p = try await store.createPipeline(Pipeline(name: name(pipeline), repository: "/srv/git/\(pipeline).git"))
    let a = try await store.createApp(App(name: name(app), pipeline: p.name, stage: .staging))
    return (p, a)
}

func makeBuild(_ store: any SlipwayStore, id: String = "b-0001", commit: String = "3f2a1c0") async throws -> Build {
    let (build, _) = try await store.createBuildIfAbsent(
        Build(id: id, source: .commit(commit), directory: "/data/builds/\(id)", state: .succeeded, outputTail: "built"))
    return build
}
