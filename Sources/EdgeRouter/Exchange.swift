import NIOCore
import NIOHTTP1

/// One request's trip through the router: which app and backend it went to, how far the request
/// and the response have got, and what is needed to retry it elsewhere.
final class Exchange {
    let route: AppRoute
    let started: NIODeadline
    let method: RequestHead.Method
    let clientMinorVersion: Int
    let clientKeepAlive: Bool
    let isUpgrade: Bool
    /// The head sent to the backend (rewritten headers, as bytes), kept for a retry.
    let upstreamHead: ByteBuffer

    var backend: Backend
    var backendIndex: Int
    /// Backends that could not be reached for this request.
    var failedBackends: [Backend] = []
    var lastFailure: String?
    var upstream: UpstreamConnection?
    /// Request parts that arrived while a connection was being made.
    var pendingParts: [RequestFramer.Event] = []
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
        head: RequestHead,
        upstreamHead: ByteBuffer,
        started: NIODeadline
    ) {
        self.route = route
        self.backendIndex = backendIndex
        self.backend = route.backends[backendIndex]
        self.started = started
        self.method = head.method
        self.clientMinorVersion = head.minorVersion
        self.clientKeepAlive = head.keepAlive
        self.isUpgrade = head.isUpgrade
        self.upstreamHead = upstreamHead
        self.lastUpstreamActivity = started
    }

    /// Safe to send again after a pooled connection died before answering (RFC 9110 §9.2.2).
    var isReplayable: Bool {
        guard !bodyForwarded, !retriedOnFreshConnection, connectionWasReused else { return false }
        switch method {
        case .get, .head, .options, .put, .delete, .trace: return true
        case .other: return false
        }
    }
}
