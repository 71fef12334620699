import Foundation
import Hummingbird
import SlipwayModel
import TestRunner

/// The remote test workers' routes (`slipway worker`) and their listing: `/workers` (register and heartbeat, long
/// poll for a slot lease, drain, list), `/trees/{tree}` (the archive of a tree under test) and `/leases/{lease}`
/// (test-setup, batches, reports, hand back). The lease board does the bookkeeping; this maps it onto HTTP.
struct WorkersController {
    let board: LeaseBoard

    var workerRoutes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        routes.put(":worker", use: heartbeat)
        routes.post(":worker/drain", use: drain)
        routes.post(":worker/leases", use: claim)
        return routes
    }

    var treeRoutes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(":tree", use: tree)
        return routes
    }

    var leaseRoutes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post(":lease/setup", use: setup)
        routes.post(":lease/batches", use: nextBatch)
        routes.put(":lease/batches/:sequence", use: report)
        routes.delete(":lease", use: release)
        return routes
    }

    struct HeartbeatBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["slots"]
        var slots: Int
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(await board.workerViews().map { WorkerResource($0, heartbeat: board.heartbeat) })
    }

    @Sendable func heartbeat(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("worker")
        let body = try await request.decodeJSON(HeartbeatBody.self, context: context)
        // A run has at most 32 slots, so no worker needs more.
        let maximum = TestSuiteConfiguration.maximumWorkers
        guard (1...maximum).contains(body.slots) else {
            throw APIError.invalid("slots", "slots: expected 1 to \(maximum), got \(body.slots)")
        }
        let view = await board.heartbeat(worker: name.rawValue, slots: body.slots, token: Self.token(context))
        return try JSONResponse.make(WorkerResource(view, heartbeat: board.heartbeat))
    }

    @Sendable func drain(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("worker")
        do {
            return try JSONResponse.make(WorkerResource(try await board.drain(worker: name.rawValue), heartbeat: board.heartbeat))
        } catch {
            throw Self.apiError(error, worker: name.rawValue)
        }
    }

    @Sendable func claim(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("worker")
        let wait = try request.waitSeconds()
        do {
            let slot = try await board.claim(worker: name.rawValue, token: Self.token(context), wait: .seconds(wait))
            return try JSONResponse.make(LeaseGrant(granted: slot != nil, slot: slot))
        } catch {
            throw Self.apiError(error, worker: name.rawValue)
        }
    }

    @Sendable func tree(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = context.parameters.get("tree") ?? ""
        guard id.wholeMatch(of: /[0-9A-Za-z_.-]{1,128}/) != nil, !id.hasPrefix(".") else {
            throw APIError.invalid("tree", "tree: expected a tree id (letters, digits, '_', '-', '.'; up to 128)")
        }
        let archive: URL
        do {
            archive = try await board.archive(of: id)
        } catch {
            throw Self.apiError(error, worker: nil)
        }
        let body = try await FileIO().loadFile(path: archive.path, context: context)
        var headers = HTTPFields()
        headers[.contentType] = "application/x-tar"
        return Response(status: .ok, headers: headers, body: body)
    }

    @Sendable func setup(_ request: Request, context: APIRequestContext) async throws -> Response {
        let lease = try Self.lease(context)
        let body = try await request.decodeJSON(SetupReport.self, context: context)
        guard body.seconds >= 0, body.seconds.isFinite else { throw APIError.invalid("seconds", "seconds: expected 0 or more") }
        do {
            try await board.reportSetup(lease: lease, token: Self.token(context), body)
        } catch {
            throw Self.apiError(error, worker: nil)
        }
        return Response(status: .noContent)
    }

    @Sendable func nextBatch(_ request: Request, context: APIRequestContext) async throws -> Response {
        let lease = try Self.lease(context)
        let wait = try request.waitSeconds()
        do {
            return try JSONResponse.make(try await board.nextBatch(lease: lease, token: Self.token(context), wait: .seconds(wait)))
        } catch {
            throw Self.apiError(error, worker: nil)
        }
    }

    @Sendable func report(_ request: Request, context: APIRequestContext) async throws -> Response {
        let lease = try Self.lease(context)
        let raw = context.parameters.get("sequence") ?? ""
        guard let sequence = Int(raw), sequence >= 1, sequence <= 999_999_999, raw.allSatisfy(\.isASCII) else {
            throw APIError.invalid("sequence", "sequence: expected a batch number from 1")
        }
        let wait = try request.waitSeconds()
        let body = try await request.decodeJSON(BatchReport.self, context: context)
        guard body.wallSeconds >= 0, body.wallSeconds.isFinite, body.seconds.values.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw APIError.invalid("seconds", "seconds and wall_seconds: expected 0 or more")
        }
        do {
            try await board.reportBatch(lease: lease, token: Self.token(context), sequence: sequence, body)
            // The answer is the slot's next batch, as `POST …/batches?wait=` would give it: a worker needs one call
            // per batch, not a report and then a poll.
            return try JSONResponse.make(try await board.nextBatch(lease: lease, token: Self.token(context),
                                                                   wait: .seconds(wait)))
        } catch {
            throw Self.apiError(error, worker: nil)
        }
    }

    @Sendable func release(_ request: Request, context: APIRequestContext) async throws -> Response {
        let lease = try Self.lease(context)
        do {
            try await board.release(lease: lease, token: Self.token(context))
        } catch {
            throw Self.apiError(error, worker: nil)
        }
        return Response(status: .noContent)
    }

    /// The name of the request's token: a worker's leases answer only to the token it registered with.
    private static func token(_ context: APIRequestContext) -> String {
        context.tokenName?.rawValue ?? ""
    }

    private static func lease(_ context: APIRequestContext) throws -> String {
        let id = context.parameters.get("lease") ?? ""
        guard id.wholeMatch(of: /lease-[0-9a-f]{1,64}/) != nil else {
            throw APIError.invalid("lease", "lease: expected a lease id (lease-…)")
        }
        return id
    }

    static func apiError(_ error: any Error, worker: String?) -> APIError {
        guard let error = error as? LeaseBoardError else { return APIError(.internalServerError, id: "internal_error", "\(error)") }
        switch error {
        case .unknownWorker:
            return APIError(.notFound, id: "not_found",
                            "no worker '\(worker ?? "")' is registered with this token: PUT /api/v1/workers/\(worker ?? "NAME") first")
        case .unknownLease: return APIError(.notFound, id: "not_found", "no such lease")
        case .unknownTree: return APIError(.notFound, id: "not_found", "no run offers a tree with this id (any more)")
        case .gone(let reason):
            return APIError(.gone, id: "lease_gone", "the lease ended (\(reason.rawValue)): its work went back to the run")
        case .conflict(let message): return APIError(.conflict, id: "conflict", message)
        case .invalid(let field, let message): return APIError.invalid(field, "\(field): \(message)")
        }
    }
}

extension Request {
    /// `?wait=S`, 0 to 5 seconds (default 0): how long a long poll may wait.
    func waitSeconds() throws -> Int {
        guard let text = uri.queryParameters.get("wait") else { return 0 }
        guard let value = Int(text), (0...5).contains(value), text.allSatisfy(\.isASCII) else {
            throw APIError.invalid("wait", "wait: expected an integer from 0 to 5 (seconds), got \"\(text.prefix(40))\"")
        }
        return value
    }
}

extension SetupReport: JSONRequestBody {
    static let allowedKeys: Set<String> = ["succeeded", "seconds", "message", "output_tail"]
}

extension BatchReport: JSONRequestBody {
    static let allowedKeys: Set<String> = ["verdicts", "seconds", "wall_seconds", "output_tail", "interrupted"]
}
