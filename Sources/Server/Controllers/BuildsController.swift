import Foundation
import Hummingbird
import Platform
import SlipwayModel
import Store

/// `/builds`: the builds the service made or reused, newest first, and one build by id; a build's output
/// while it runs (`/builds/:id/output?offset=N`, what `slipway builds info --follow` polls); the dependency
/// cache (`/builds/cache`, `DELETE` empties it).
struct BuildsController {
    let store: any SlipwayStore
    /// Nil when the API runs without a runtime: running builds, output and the cache are then unavailable.
    let builds: BuildStore?

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        routes.get("cache", use: cache)
        routes.delete("cache", use: clearCache)
        routes.get(":id", use: show)
        routes.get(":id/output", use: output)
        return routes
    }

    /// `?limit=N` (1–1000; default all). Builds running now come first, `building`.
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let limit = try request.limit(default: nil)
        let stored = try await store.builds()
        var resources: [BuildResource] = []
        if let builds {
            let known = Set(stored.map(\.id))
            for (id, running) in await builds.runningBuilds().sorted(by: { $0.value.startedAt > $1.value.startedAt })
            where !known.contains(id) {
                resources.append(BuildResource(running: id, directory: builds.root.appendingPathComponent(id).path,
                                               outputTail: await builds.outputTail(of: id), startedAt: running.startedAt))
            }
        }
        resources += stored.map(BuildResource.init)
        return try JSONResponse.make(Array(resources.prefix(limit ?? resources.count)))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.buildID("id")
        do {
            return try JSONResponse.make(BuildResource(try await store.build(id: id)))
        } catch {
            // A build running now (or one that failed) has no record yet, only its log.
            guard let builds, let state = await Self.unrecordedState(id, builds) else { throw error }
            return try JSONResponse.make(BuildResource(running: id, directory: builds.root.appendingPathComponent(id).path,
                                                       outputTail: await builds.outputTail(of: id), startedAt: nil, state: state))
        }
    }

    /// `?offset=N`: the log from byte N on (at most 64 KiB), the offset to ask for next, and whether the
    /// build is still running.
    @Sendable func output(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.buildID("id")
        let builds = try available()
        let offset = try request.uri.queryParameters.get("offset").map { text -> Int in
            guard let value = Int(text), (0...9_007_199_254_740_991).contains(value) else {
                throw APIError.invalid("offset", "offset must be a byte offset (0 to 2^53-1)")
            }
            return value
        } ?? 0
        let file = await builds.logFile(of: id)
        let running = await builds.isRunning(id)
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw APIError(.notFound, id: "not_found", "build \(id) has no output: it never ran on this service, or was collected")
        }
        defer { try? handle.close() }
        // Past the end there is nothing yet (a seek that far could fail: ext4 refuses offsets beyond 16 TiB).
        let size = try handle.seekToEnd()
        var data = Data()
        if UInt64(offset) < size {
            try handle.seek(toOffset: UInt64(offset))
            data = try handle.read(upToCount: 64 * 1024) ?? Data()
        }
        return try JSONResponse.make(BuildOutputResource(id: id, offset: offset, nextOffset: offset + data.count,
                                                         text: String(decoding: data, as: UTF8.self), running: running))
    }

    @Sendable func cache(_ request: Request, context: APIRequestContext) async throws -> Response {
        guard let cache = try available().cache else { return try JSONResponse.make(BuildCacheResource(CacheReport(entries: [], bytes: 0, limitBytes: 0))) }
        return try JSONResponse.make(BuildCacheResource(await cache.report()))
    }

    @Sendable func clearCache(_ request: Request, context: APIRequestContext) async throws -> Response {
        let removed = try await available().cache?.clear() ?? 0
        return try JSONResponse.make(BuildCacheClearedResource(removed: removed))
    }

    private func available() throws -> BuildStore {
        guard let builds else {
            throw APIError(.serviceUnavailable, id: "runtime_unavailable", "this API runs without a runtime: start it with 'slipway serve'")
        }
        return builds
    }

    /// `building` while it runs, `failed` when only its log is left.
    private static func unrecordedState(_ id: String, _ builds: BuildStore) async -> BuildState? {
        if await builds.isRunning(id) { return .building }
        return FileManager.default.fileExists(atPath: await builds.logFile(of: id).path) ? .failed : nil
    }
}
