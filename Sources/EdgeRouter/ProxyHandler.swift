import NIOCore
import NIOHTTP1

/// The last handler of a client connection: routes each request by `Host`, relays it to a backend
/// over a pooled connection on the same event loop, and relays the response back as it arrives.
///
/// Requests on one client connection are handled one at a time: parts of a pipelined request that
/// arrive while a response is still going out wait in `queued`. (NIO's `HTTPServerPipelineHandler`
/// would do this by pausing reads after every request, which costs two `epoll_ctl` calls per request.)
/// Backpressure goes both ways: the client is not read while the backend cannot take more, and the
/// backend is not read while the client cannot.
///
/// Requests are read as raw bytes too (see ``RequestFramer``): this is the only handler of the
/// client pipeline. Responses are written as raw bytes (see ``ResponseFramer``), and the router's
/// own error pages are written out by hand.
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let loop: LoopContext
    var context: ChannelHandlerContext?
    var exchange: Exchange?
    /// The current request was answered already (error page, or an early response): drop its body.
    var discardingRequestBody = false
    /// A client read held back until the backend can take more.
    var clientReadPending = false
    var upstreamNeedsFlush = false
    var closeAfterResponse = false
    /// A response head not yet written: a small body read with it is appended, so that a whole
    /// small response goes out as one buffer (one pipeline write, one iovec).
    var unwrittenHead: ByteBuffer?
    /// Parts of pipelined requests, waiting for the current response to finish.
    var queued = CircularBuffer<RequestFramer.Event>()
    let framer = RequestFramer()
    /// One upstream-timeout timer per client connection, armed when a request goes out and re-armed
    /// only when it fires: keep-alive connections pay for it once per timeout period, not per request.
    var timer: Scheduled<Void>?
    /// The client-side timer (header and keep-alive timeouts, see `clientTimerFired`); like `timer`, armed
    /// per connection and re-armed only when it fires, never per request.
    var clientTimer: Scheduled<Void>?
    /// Since when the connection has waited for a request (its start, or the end of the last response).
    var waitingSince = NIODeadline.now()
    /// When the first bytes of a request head that is still incomplete arrived.
    var partialHeadSince: NIODeadline?
    /// Requests answered on this connection (a fresh connection gets `headerTimeout` for its first byte).
    var servedRequests = 0
    /// The last `Host` header on this connection and its route, valid for one routing-table generation:
    /// a keep-alive client sends the same host every time, so it is normalised and looked up once.
    private var cachedHost = ""
    private var cachedRoute: AppRoute?
    private var cachedGeneration: UInt64 = .max
    /// What `X-Forwarded-*` say about this client connection.
    private lazy var forwarding = UpstreamRequestWriter.Forwarding(
        clientAddress: context?.channel.remoteAddress?.ipAddress ?? "unknown",
        port: context?.channel.localAddress?.port.map(String.init) ?? "",
        proto: overTLS ? "https" : loop.configuration.forwardedProto
    )
    /// This connection came in on the HTTPS listener (its requests are forwarded as `https`).
    let overTLS: Bool

    init(loop: LoopContext, overTLS: Bool) {
        self.loop = loop
        self.overTLS = overTLS
    }

    /// Kept from writability events (asked on every upstream read), not asked of the channel each time.
    private(set) var clientIsWritable = true
    private(set) var allocator = ByteBufferAllocator()

    // MARK: Client side

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
        clientIsWritable = context.channel.isWritable
        waitingSince = .now()
        armClientTimer(after: loop.configuration.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        clientTimer?.cancel()
        clientTimer = nil
        self.context = nil
    }

    /// The current request has fully arrived and its response is still going out.
    var isBusy: Bool { exchange?.requestEnded ?? false }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try framer.feed(unwrapInboundIn(data)) { part in
                if isBusy || !queued.isEmpty {
                    queued.append(part)
                } else {
                    handle(part, context: context)
                }
            }
            if partialHeadSince == nil && exchange == nil && framer.hasPartialHead {
                // A head that does not arrive in one read (rare for real clients, the whole of a slowloris
                // attack): from now on it has `headerTimeout` to finish.
                partialHeadSince = .now()
                clientTimer?.cancel()
                armClientTimer(after: loop.configuration.headerTimeout)
            }
        } catch {
            if let exchange, exchange.responseStatus == nil, !exchange.requestEnded, !exchange.isUpgrade {
                // The body of the request in flight is malformed (a bad chunk size): the backend has part of a
                // request that will never be whole, so it is abandoned and the client told why.
                exchange.responseStatus = .badRequest
                finish(exchange, upstreamReusable: false)
                discardingRequestBody = false
                writeErrorPage(.badRequest, minorVersion: exchange.clientMinorVersion, keepAlive: false,
                               isHead: exchange.method == .head)
            } else if exchange == nil && queued.isEmpty {
                // Not HTTP/1: a 400 when nothing else is being answered on this connection, then close.
                discardingRequestBody = false
                writeErrorPage(.badRequest, minorVersion: 1, keepAlive: false, isHead: false)
            } else {
                context.close(promise: nil)
            }
        }
    }

    func handle(_ part: RequestFramer.Event, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            begin(head, context: context)
        case .body(let body):
            guard !discardingRequestBody, let exchange else { return }
            if let upstream = exchange.upstream {
                send(body: body, of: exchange, to: upstream)
                exchange.lastUpstreamActivity = .now()
                upstreamNeedsFlush = true
            } else {
                exchange.pendingParts.append(part)
            }
        case .end:
            if discardingRequestBody {
                discardingRequestBody = false
                return
            }
            guard let exchange else { return }
            exchange.requestEnded = true
            if let upstream = exchange.upstream {
                upstream.flush()
                upstreamNeedsFlush = false
            } else {
                exchange.pendingParts.append(part)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            exchange?.upstream?.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        clientTimer?.cancel()
        clientTimer = nil
        queued.removeAll()
        if let exchange {
            // The client left mid-exchange: the backend connection is in an unknown state.
            finish(exchange, upstreamReusable: false)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        clientIsWritable = context.channel.isWritable
        if clientIsWritable { exchange?.upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        let waitingForBackend = exchange.map { !$0.requestEnded && !($0.upstream?.isWritable ?? false) } ?? false
        if waitingForBackend || queued.count >= Self.maxQueuedParts || framer.heldBytes > Self.maxHeldUpgradeBytes {
            clientReadPending = true
        } else {
            context.read()
        }
    }

    /// Pipelined parts held before the client is no longer read.
    private static let maxQueuedParts = 16
    /// Bytes a client may send past an upgrade request before the backend has answered it.
    private static let maxHeldUpgradeBytes = 64 * 1024

    /// Handles queued pipelined parts until one starts an exchange that must finish first.
    func drainQueue() {
        guard let context else { return }
        while !isBusy, let part = queued.popFirst() {
            handle(part, context: context)
        }
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            exchange?.upstream?.flush()
        }
        resumeClientReads()
    }

    func resumeClientReads() {
        if clientReadPending, let context {
            clientReadPending = false
            context.read()
        }
    }

    // MARK: Routing

    func begin(_ head: RequestHead, context: ChannelHandlerContext) {
        let started = NIODeadline.now()
        partialHeadSince = nil
        if !overTLS, let tls = loop.configuration.tls, answerOnPlainHTTP(head, tls: tls) { return }
        if head.absoluteFormAuthority != nil {
            // Rare (proxy-style clients): routed by the URI's host, never cached under the Host header.
            cachedHost = head.targetHost
            cachedRoute = loop.table.route(forHostHeader: cachedHost)
            cachedGeneration = .max
        } else if loop.table.generation != cachedGeneration || !head.hostEquals(cachedHost) {
            cachedHost = head.host
            cachedRoute = loop.table.route(forHostHeader: cachedHost)
            cachedGeneration = loop.table.generation
        }
        guard let route = cachedRoute else {
            loop.metrics.recordUnrouted()
            respond(with: .unknownHost(cachedHost), to: head)
            return
        }
        guard let index = loop.pickBackend(route, excluding: []) else {
            loop.metrics.record(app: route.app, status: 503, nanoseconds: (NIODeadline.now() - started).nanoseconds)
            respond(with: .noBackends(app: route.app), to: head)
            return
        }

        let upstreamHead = UpstreamRequestWriter.head(
            head,
            forwarding: forwarding,
            allocator: allocator,
            requestIDs: &loop.requestIDs
        )
        let exchange = Exchange(
            route: route,
            backendIndex: index,
            head: head,
            upstreamHead: upstreamHead,
            started: started
        )
        self.exchange = exchange
        loop.requestStarted(app: route.app, backend: exchange.backend)
        dispatch(exchange, at: started)
    }

    /// Sends the exchange to its current backend, on a pooled connection when one is idle.
    /// `now` saves a clock read when the caller has just read the clock.
    func dispatch(_ exchange: Exchange, at now: NIODeadline = .now()) {
        // An upgraded connection never returns to the pool, so it does not take a pooled one either.
        if !exchange.isUpgrade && !exchange.retriedOnFreshConnection,
            let connection = loop.pool.takeIdle(exchange.backend)
        {
            exchange.connectionWasReused = true
            attach(connection, to: exchange, at: now)
            return
        }
        exchange.connectionWasReused = false
        let address = exchange.route.addresses[exchange.backendIndex]
        loop.pool.connect(exchange.backend, address: address).assumeIsolated().whenComplete { result in
            guard self.exchange === exchange else {
                // The client went away while we connected; a clean new connection is still useful.
                if case .success(let connection) = result { self.loop.pool.park(connection) }
                return
            }
            switch result {
            case .success(let connection):
                self.attach(connection, to: exchange)
            case .failure(let error):
                self.connectFailed(exchange, error: error)
            }
        }
    }

    /// Nothing was sent to that backend: try the next one, or answer 502 when none is left.
    func connectFailed(_ exchange: Exchange, error: any Error) {
        exchange.failedBackends.append(exchange.backend)
        exchange.lastFailure = "\(UpstreamFailure.describe(error)) (\(exchange.backend))"
        if let next = loop.pickBackend(exchange.route, excluding: exchange.failedBackends) {
            let previous = exchange.backend
            exchange.backendIndex = next
            exchange.backend = exchange.route.backends[next]
            loop.requestMoved(from: previous, to: exchange.backend)
            dispatch(exchange)
            return
        }
        let count = exchange.route.backends.count
        let cause =
            count == 1
            ? "the web dyno could not be reached: \(exchange.lastFailure ?? "unknown error")"
            : "none of the \(count) web dynos could be reached; last: \(exchange.lastFailure ?? "unknown error")"
        fail(exchange, with: .badGateway(app: exchange.route.app, cause: cause))
    }

    func attach(_ connection: UpstreamConnection, to exchange: Exchange, at now: NIODeadline = .now()) {
        exchange.upstream = connection
        connection.proxy = self
        connection.expect(
            ResponseFramer.Expectation(
                isHead: exchange.method == .head,
                isUpgrade: exchange.isUpgrade,
                clientMinorVersion: exchange.clientMinorVersion,
                clientKeepAlive: exchange.clientKeepAlive
            )
        )
        connection.write(exchange.upstreamHead)
        for case .body(let body) in exchange.pendingParts {
            send(body: body, of: exchange, to: connection)
        }
        exchange.pendingParts.removeAll()
        connection.flush()
        exchange.lastUpstreamActivity = now
        if timer == nil { armTimer(after: loop.configuration.upstreamTimeout) }
        if connection.isWritable { resumeClientReads() }
    }

    /// Body bytes as the client framed them (a chunked body keeps its chunks: the backend reads HTTP/1.1).
    func send(body: ByteBuffer, of exchange: Exchange, to connection: UpstreamConnection) {
        exchange.bodyForwarded = true
        connection.write(body)
    }
}
