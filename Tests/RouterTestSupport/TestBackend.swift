import EdgeRouter
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server on loopback standing in for a web dyno. What it does depends on the path:
/// - `/slow/<ms>`: waits, then answers `slow <name>`
/// - `/sse`: three server-sent events 300 ms apart (records when the last one was written)
/// - `/upload`: reads the whole body as it streams, answers `bytes=<n> sum=<byte sum>`
/// - `/status/<code>`: answers with that status
/// - anything else: `200`, body = its name, then one `name: value` line per request header
public final class TestBackend: Sendable {
    public struct Events: Sendable {
        public var requests = 0
        public var connections = 0
        public var slowStarted = 0
        public var lastEventWrittenAt: ContinuousClock.Instant?
        public var firstUploadChunkAt: ContinuousClock.Instant?
    }

    public let name: String
    public let port: Int
    public let events = Mutex(Events())
    private let channel: any Channel
    private let task: Task<Void, Never>

    public var backend: Backend { Backend(port: port) }

    private init(name: String, port: Int, channel: any Channel, task: Task<Void, Never>) {
        self.name = name
        self.port = port
        self.channel = channel
        self.task = task
    }

    public static func start(name: String) async throws -> TestBackend {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        let port = server.channel.localAddress!.port!
        // The connection tasks start before the backend object exists; they find it through the holder.
        let holder = Holder()
        let task = Task<Void, Never> {
            try? await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask {
                            try? await serve(connection, holder: holder)
                        }
                    }
                }
            }
        }
        let backend = TestBackend(name: name, port: port, channel: server.channel, task: task)
        holder.backend.withLock { $0 = backend }
        return backend
    }

    public func stop() async {
        task.cancel()
        try? await channel.close()
    }

    // MARK: Serving

    private final class Holder: Sendable {
        let backend = Mutex<TestBackend?>(nil)
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        holder: Holder
    ) async throws {
        holder.backend.withLock { $0 }?.events.withLock { $0.connections += 1 }
        try await connection.executeThenClose { inbound, outbound in
            var parts = inbound.makeAsyncIterator()
            while let part = try await parts.next() {
                guard case .head(let head) = part, let backend = holder.backend.withLock({ $0 }) else { continue }
                backend.events.withLock { $0.requests += 1 }
                try await backend.answer(head, parts: &parts, outbound: outbound)
            }
        }
    }

    private func answer(
        _ head: HTTPRequestHead,
        parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var bytes = 0
        var sum: UInt64 = 0
        readBody: while let part = try await parts.next() {
            switch part {
            case .body(let buffer):
                if bytes == 0 { events.withLock { $0.firstUploadChunkAt = .now } }
                bytes += buffer.readableBytes
                buffer.withUnsafeReadableBytes { raw in for byte in raw { sum &+= UInt64(byte) } }
            case .end:
                break readBody
            case .head:
                continue
            }
        }

        let path = head.uri
        if path.hasPrefix("/slow/"), let ms = Int(path.dropFirst(6)) {
            events.withLock { $0.slowStarted += 1 }
            try await Task.sleep(for: .milliseconds(ms))
            try await send(.ok, "slow \(name)", outbound)
        } else if path == "/sse" {
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "text/event-stream")
            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
            for index in 1...3 {
                if index == 3 { events.withLock { $0.lastEventWrittenAt = .now } }
                try await outbound.write(.body(.byteBuffer(ByteBuffer(string: "data: event \(index)\n\n"))))
                if index < 3 { try await Task.sleep(for: .milliseconds(300)) }
            }
            try await outbound.write(.end(nil))
        } else if path == "/upload" {
            try await send(.ok, "bytes=\(bytes) sum=\(sum)", outbound)
        } else if path.hasPrefix("/status/"), let code = Int(path.dropFirst(8)) {
            try await send(HTTPResponseStatus(statusCode: code), "status \(code)", outbound)
        } else {
            var text = "\(name)\n"
            for (headerName, value) in head.headers { text += "\(headerName.lowercased()): \(value)\n" }
            try await send(.ok, text, outbound)
        }
    }

    private func send(
        _ status: HTTPResponseStatus,
        _ text: String,
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain")
        headers.add(name: "content-length", value: String(text.utf8.count))
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
        try await outbound.write(.end(nil))
    }
}

/// A loopback port nothing listens on (bound, read, closed).
public func refusedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress!.port!
    try await channel.close()
    return port
}
