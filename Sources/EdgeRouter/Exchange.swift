import NIOCore
import NIOHTTP1

/// One request's trip through the router: which app and backend it went to, how far the request
/// and the response have got, and what is needed to retry it elsewhere.
final class Exchange {
    let route: AppRoute
    let started: NIODeadline
    let method: HTTPMethod
    let clientVersion: HTTPVersion
    let clientKeepAlive: Bool
    let isUpgrade: Bool
    /// The head sent to the backend (rewritten headers, as bytes), kept for a retry.
    let upstreamHead: ByteBuffer
    /// The client sends its body in chunks, so body parts are framed again on the way out.
    let chunkedBody: Bool

    var backend: Backend
    var backendIndex: Int
    /// Backends that could not be reached for this request.
    var failedBackends: [Backend] = []
    var lastFailure: String?
    var upstream: UpstreamConnection?
    /// Request parts that arrived while a connection was being made.
    var pendingParts: [HTTPServerRequestPart] = []
    /// The client has sent the whole request.
    var requestEnded = false
    /// Body bytes went to a backend: the request can no longer be replayed.
    var bodyForwarded = false
    var connectionWasReused = false
    var retriedOnFreshConnection = false
    /// Status of the response head sent to the client, once sent.
    var responseStatus: HTTPResponseStatus?
    var upstreamKeepAlive = true
    var upgradeAccepted = false
    var lastUpstreamActivity: NIODeadline

    init(
        route: AppRoute,
        backendIndex: Int,
        head: HTTPRequestHead,
        upstreamHead: ByteBuffer,
        isUpgrade: Bool,
        started: NIODeadline
    ) {
        self.route = route
        self.backendIndex = backendIndex
        self.backend = route.backends[backendIndex]
        self.started = started
        self.method = head.method
        self.clientVersion = head.version
        self.clientKeepAlive = head.isKeepAlive
        self.isUpgrade = isUpgrade
        self.upstreamHead = upstreamHead
        self.chunkedBody = UpstreamRequestWriter.isChunked(head)
        self.lastUpstreamActivity = started
    }

    /// Safe to send again after a pooled connection died before answering (RFC 9110 §9.2.2).
    var isReplayable: Bool {
        guard !bodyForwarded, !retriedOnFreshConnection, connectionWasReused else { return false }
        switch method {
        case .GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE: return true
        default: return false
        }
    }
}
