import NIOCore
import NIOHTTP1
import NIOPosix

/// A response as the test client saw it, with when each body chunk arrived.
struct TestResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: String
    var chunkArrivals: [(text: String, at: ContinuousClock.Instant)]

    /// The value the backend echoed for a request header (`name: value` lines of the default handler).
    func echoedHeader(_ name: String) -> String? {
        for line in body.split(separator: "\n") where line.hasPrefix("\(name): ") {
            return String(line.dropFirst(name.count + 2))
        }
        return nil
    }
}

struct TestClientError: Error, CustomStringConvertible {
    var description: String
}

/// An HTTP/1.1 client connection to the router: requests go one after another over it (keep-alive).
final class TestConnection {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    /// When the last body chunk of the latest request was handed to the connection.
    private(set) var lastChunkSentAt: ContinuousClock.Instant?

    private init(
        inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Opens a connection to `port`, runs `body`, closes the connection.
    static func with<Result: Sendable>(
        port: Int,
        _ body: (TestConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(TestConnection(inbound: inbound, outbound: outbound))
        }
    }

    /// Sends a request (with `body` chunks, if any, sent as they come) and reads the whole response.
    func request(
        host: String,
        path: String = "/",
        method: HTTPMethod = .GET,
        headers extra: [(String, String)] = [],
        body chunks: [ByteBuffer] = [],
        pauseBeforeLastChunk: Duration? = nil
    ) async throws -> TestResponse {
        var headers = HTTPHeaders([("host", host)])
        for (name, value) in extra { headers.add(name: name, value: value) }
        if !chunks.isEmpty { headers.add(name: "transfer-encoding", value: "chunked") }
        try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)))
        for (index, chunk) in chunks.enumerated() {
            if index == chunks.count - 1, let pause = pauseBeforeLastChunk { try await Task.sleep(for: pause) }
            if index == chunks.count - 1 { lastChunkSentAt = .now }
            try await outbound.write(.body(.byteBuffer(chunk)))
        }
        try await outbound.write(.end(nil))
        return try await readResponse()
    }

    func readResponse() async throws -> TestResponse {
        var response: TestResponse?
        while let part = try await inbound.next() {
            switch part {
            case .head(let head):
                response = TestResponse(status: head.status, headers: head.headers, body: "", chunkArrivals: [])
            case .body(let buffer):
                let text = String(buffer: buffer)
                response?.body += text
                response?.chunkArrivals.append((text, .now))
            case .end:
                guard let response else { throw TestClientError(description: "end before head") }
                return response
            }
        }
        throw TestClientError(description: "connection closed before the response ended")
    }
}

/// One request on a fresh connection.
func fetch(
    port: Int,
    host: String,
    path: String = "/",
    headers: [(String, String)] = []
) async throws -> TestResponse {
    try await TestConnection.with(port: port) { try await $0.request(host: host, path: path, headers: headers) }
}
