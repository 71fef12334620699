import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

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

/// How the test client speaks TLS: the only roots it trusts and the SNI name it sends (also checked against the
/// certificate: full verification, as a browser does).
struct ClientTLS: Sendable {
    var trustedRootsPEM: String
    var serverName: String
}

/// An HTTP/1.1 client connection to the router, over TLS when asked: requests go one after another over it
/// (keep-alive).
final class TestConnection {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    /// The certificate the server presented (TLS only), once the first response arrived.
    private(set) var peerCertificate: NIOSSLCertificate?
    private var channel: (any Channel)?
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
        tls: ClientTLS? = nil,
        _ body: (TestConnection) async throws -> Result
    ) async throws -> Result {
        let context = try tls.map { tls in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(tls.trustedRootsPEM.utf8)))
            return try NIOSSLContext(configuration: configuration)
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context, let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: tls.serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        let raw = channel.channel
        return try await channel.executeThenClose { inbound, outbound in
            let connection = TestConnection(inbound: inbound, outbound: outbound)
            connection.channel = tls == nil ? nil : raw
            return try await body(connection)
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
                if let channel, peerCertificate == nil {
                    peerCertificate = try await channel.nioSSL_peerCertificate().get()
                }
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
    headers: [(String, String)] = [],
    tls: ClientTLS? = nil
) async throws -> TestResponse {
    try await TestConnection.with(port: port, tls: tls) {
        try await $0.request(host: host, path: path, headers: headers)
    }
}
