import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Server
import TestRunner

/// `slipway worker`'s client of the lease API, on AsyncHTTPClient. The token goes only into the Authorization
/// header, never into a message.
struct WorkerAPI: Sendable {
    /// `http://host:port/api/v1`.
    let base: String
    let token: String
    /// The worker's own client (`withClient`), with a connection for every call it makes at once.
    let client: HTTPClient

    /// Runs `body` with a client whose pool holds a connection for each of `slots` slots, the heartbeat and a tree
    /// download at once, and shuts it down after. Each slot has one call open at a time, long polls included: with
    /// `HTTPClient.shared`'s 8 connections per host, idle slots' long polls held them all and a busy slot's batch
    /// report queued behind them for up to a poll's length (5 s), which ended every remote run 5 s late.
    static func withClient<T: Sendable>(base: String, token: String, slots: Int,
                                        _ body: (WorkerAPI) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(idleTimeout: .seconds(600),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: connections(slots: slots))
        return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            try await body(WorkerAPI(base: base, token: token, client: client))
        }
    }

    /// A connection per slot, one for the heartbeat and one for a tree download.
    static func connections(slots: Int) -> Int { slots + 2 }

    enum Failure: Error, CustomStringConvertible {
        /// 410: the lease ended.
        case gone
        /// 401: the token is unknown or revoked.
        case unauthorized
        /// Another refusal, with the service's message.
        case refused(status: UInt, message: String)
        case unreachable(String)

        var description: String {
            switch self {
            case .gone: "the lease ended"
            case .unauthorized: "the service refused the token (unknown or revoked)"
            case .refused(let status, let message): "HTTP \(status): \(message)"
            case .unreachable(let reason): "cannot reach the service: \(reason)"
            }
        }
    }

    func send(_ method: HTTPMethod, _ path: String, json: (any Encodable & Sendable)? = nil,
              timeout: TimeAmount = .seconds(30)) async throws(Failure) -> (status: UInt, body: Data) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            let data: Data
            do { data = try JSONEncoder().encode(json) } catch { throw .refused(status: 0, message: "cannot encode: \(error)") }
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let status: UInt
        let body: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = response.status.code
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw .unreachable("\(error)")
        }
        let data = Data(body.readableBytesView)
        switch status {
        case 200..<300: return (status, data)
        case 401: throw .unauthorized
        case 410: throw .gone
        default:
            let message = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["message"] as? String
            throw .refused(status: status, message: message ?? "no message")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(Failure) -> T {
        do {
            return try APIClient.decoder.decode(T.self, from: data)
        } catch {
            throw .refused(status: 0, message: "the service answered with JSON this worker does not understand: \(error)")
        }
    }

    /// Streams `path`'s body into `file`.
    func download(_ path: String, to file: URL) async throws {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(600))
        guard response.status == .ok else { throw Failure.refused(status: response.status.code, message: "tree download") }
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw Failure.refused(status: 0, message: "cannot create \(file.path)")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        for try await chunk in response.body {
            try handle.write(contentsOf: Data(chunk.readableBytesView))
        }
    }
}

/// A leased slot's calls, over the worker's API client. A network failure is retried for up to two seconds
/// (within the lease's life); a 410 or any refusal ends the slot.
struct HTTPLeaseTransport: LeaseTransport {
    let api: WorkerAPI

    func reportSetup(_ report: SetupReport, lease: String) async throws {
        _ = try await retrying { () throws(WorkerAPI.Failure) in try await api.send(.POST, "/leases/\(lease)/setup", json: report) }
    }

    func nextBatch(lease: String) async throws -> NextBatch {
        let answer = try await retrying { () throws(WorkerAPI.Failure) in
            try await api.send(.POST, "/leases/\(lease)/batches?wait=5", timeout: .seconds(20))
        }
        return try api.decode(NextBatch.self, answer.body)
    }

    /// The answer carries the next batch (the service waits up to 5 s for one); a service that answers 204
    /// carries none.
    func reportBatch(_ report: BatchReport, sequence: Int, lease: String) async throws -> NextBatch? {
        let answer = try await retrying { () throws(WorkerAPI.Failure) in
            try await api.send(.PUT, "/leases/\(lease)/batches/\(sequence)?wait=5", json: report, timeout: .seconds(20))
        }
        guard answer.status == 200, !answer.body.isEmpty else { return nil }
        return try api.decode(NextBatch.self, answer.body)
    }

    func release(lease: String) async {
        _ = try? await api.send(.DELETE, "/leases/\(lease)", timeout: .seconds(5))
    }

    private func retrying<T>(_ call: () async throws(WorkerAPI.Failure) -> T) async throws(WorkerAPI.Failure) -> T {
        var attempts = 0
        while true {
            do {
                return try await call()
            } catch .unreachable(let reason) {
                attempts += 1
                if attempts >= 5 { throw .unreachable(reason) }
                try? await Task.sleep(for: .milliseconds(400))
            }
        }
    }
}
