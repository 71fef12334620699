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
/// Responses are written as raw bytes (see ``ResponseFramer``): there is no response encoder in
/// the client pipeline, and the router's own error pages are written out by hand.
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
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
    var queued = CircularBuffer<HTTPServerRequestPart>()
    /// One upstream-timeout timer per client connection, armed when a request goes out and re-armed
    /// only when it fires: keep-alive connections pay for it once per timeout period, not per request.
    var timer: Scheduled<Void>?
    /// What `X-Forwarded-*` say about this client connection.
    private lazy var forwarding = UpstreamRequestWriter.Forwarding(
        clientAddress: context?.channel.remoteAddress?.ipAddress ?? "unknown",
        port: context?.channel.localAddress?.port.map(String.init) ?? "",
        proto: loop.configuration.forwardedProto
    )

    init(loop: LoopContext) {
        self.loop = loop
    }

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Client side

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The current request has fully arrived and its response is still going out.
    var isBusy: Bool { exchange?.requestEnded ?? false }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isBusy || !queued.isEmpty {
            queued.append(part)
        } else {
            handle(part, context: context)
        }
    }

    func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
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
        case .end(let trailers):
            if discardingRequestBody {
                discardingRequestBody = false
                return
            }
            guard let exchange else { return }
            exchange.requestEnded = true
            if let upstream = exchange.upstream {
                sendEnd(trailers: trailers, of: exchange, to: upstream)
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
        queued.removeAll()
        if let exchange {
            // The client left mid-exchange: the backend connection is in an unknown state.
            finish(exchange, upstreamReusable: false)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An unparseable request gets a 400 when nothing else is being answered on this connection.
        if error is HTTPParserError, exchange == nil {
            discardingRequestBody = false
            writeErrorPage(.badRequest, version: .http1_1, keepAlive: false, isHead: false)
        } else {
            context.close(promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        let waitingForBackend = exchange.map { !$0.requestEnded && !($0.upstream?.isWritable ?? false) } ?? false
        if waitingForBackend || queued.count >= Self.maxQueuedParts {
            clientReadPending = true
        } else {
            context.read()
        }
    }

    /// Pipelined parts held before the client is no longer read.
    private static let maxQueuedParts = 16

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

    func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let started = NIODeadline.now()
        let host = head.headers.first(name: "host") ?? ""
        guard let route = loop.table.route(forHostHeader: host) else {
            loop.metrics.recordUnrouted()
            respond(with: .unknownHost(host), to: head)
            return
        }
        guard let index = loop.pickBackend(route, excluding: []) else {
            loop.metrics.record(app: route.app, status: 503, nanoseconds: (NIODeadline.now() - started).nanoseconds)
            respond(with: .noBackends(app: route.app), to: head)
            return
        }

        let isUpgrade = UpstreamRequestWriter.isUpgradeRequest(head)
        let upstreamHead = UpstreamRequestWriter.head(
            head,
            forwarding: forwarding,
            isUpgrade: isUpgrade,
            allocator: context.channel.allocator,
            makeRequestID: { loop.requestIDs.next() }
        )
        let exchange = Exchange(
            route: route,
            backendIndex: index,
            head: head,
            upstreamHead: upstreamHead,
            isUpgrade: isUpgrade,
            started: started
        )
        self.exchange = exchange
        loop.requestStarted(app: route.app, backend: exchange.backend)
        dispatch(exchange)
    }

    /// Sends the exchange to its current backend, on a pooled connection when one is idle.
    func dispatch(_ exchange: Exchange) {
        // An upgraded connection never returns to the pool, so it does not take a pooled one either.
        if !exchange.isUpgrade && !exchange.retriedOnFreshConnection,
            let connection = loop.pool.takeIdle(exchange.backend)
        {
            exchange.connectionWasReused = true
            attach(connection, to: exchange)
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

    func attach(_ connection: UpstreamConnection, to exchange: Exchange) {
        exchange.upstream = connection
        connection.proxy = self
        connection.expect(
            ResponseFramer.Expectation(
                isHead: exchange.method == .HEAD,
                isUpgrade: exchange.isUpgrade,
                clientMinorVersion: exchange.clientVersion.minor,
                clientKeepAlive: exchange.clientKeepAlive
            )
        )
        connection.write(exchange.upstreamHead)
        for part in exchange.pendingParts {
            switch part {
            case .body(let body): send(body: body, of: exchange, to: connection)
            case .end(let trailers): sendEnd(trailers: trailers, of: exchange, to: connection)
            case .head: continue
            }
        }
        exchange.pendingParts.removeAll()
        connection.flush()
        exchange.lastUpstreamActivity = .now()
        if timer == nil { armTimer(after: loop.configuration.upstreamTimeout) }
        if connection.isWritable { resumeClientReads() }
    }

    func send(body: ByteBuffer, of exchange: Exchange, to connection: UpstreamConnection) {
        exchange.bodyForwarded = true
        guard exchange.chunkedBody else {
            connection.write(body)
            return
        }
        guard body.readableBytes > 0, let context else { return }
        connection.write(UpstreamRequestWriter.chunkPrefix(size: body.readableBytes, allocator: context.channel.allocator))
        connection.write(body)
        connection.write(UpstreamRequestWriter.chunkSuffix)
    }

    func sendEnd(trailers: HTTPHeaders?, of exchange: Exchange, to connection: UpstreamConnection) {
        guard exchange.chunkedBody, let context else { return }
        connection.write(UpstreamRequestWriter.lastChunk(trailers: trailers, allocator: context.channel.allocator))
    }

    // MARK: Timeout

    func armTimer(after delay: TimeAmount) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.timerFired()
        }
    }

    /// Checks how long the backend of the current exchange has really been silent; times it out,
    /// or re-arms for the rest of the period. With no exchange the timer lapses until the next one.
    func timerFired() {
        timer = nil
        guard let exchange, !exchange.upgradeAccepted else { return }
        let limit = loop.configuration.upstreamTimeout
        let silent = NIODeadline.now() - exchange.lastUpstreamActivity
        if silent < limit {
            armTimer(after: limit - silent)
            return
        }
        if exchange.responseStatus == nil {
            fail(exchange, with: .gatewayTimeout(app: exchange.route.app, backend: exchange.backend, timeout: limit))
        } else {
            finish(exchange, upstreamReusable: false)
            context?.close(promise: nil)
        }
    }

    // MARK: Ending an exchange

    /// Ends the exchange's accounting and hands its upstream connection back (or closes it).
    func finish(_ exchange: Exchange, upstreamReusable: Bool) {
        self.exchange = nil
        unwrittenHead = nil
        if let upstream = exchange.upstream {
            exchange.upstream = nil
            if upstreamReusable && loop.table.allBackends.contains(upstream.backend) {
                loop.pool.park(upstream)
            } else {
                upstream.close()
            }
        }
        loop.requestFinished(app: exchange.route.app, backend: exchange.backend)
        if let status = exchange.responseStatus {
            let elapsed = (NIODeadline.now() - exchange.started).nanoseconds
            loop.metrics.record(app: exchange.route.app, status: Int(status.code), nanoseconds: elapsed)
        }
        if !exchange.requestEnded { discardingRequestBody = true }
        if queued.isEmpty {
            resumeClientReads()
        } else if let context {
            // Outside the upstream decoder's call stack: the next request may reuse that very connection.
            context.eventLoop.assumeIsolated().execute { self.drainQueue() }
        }
    }

    /// Ends the exchange with one of the router's own error pages.
    func fail(_ exchange: Exchange, with page: ErrorPage) {
        exchange.responseStatus = page.status
        finish(exchange, upstreamReusable: false)
        writeErrorPage(
            page,
            version: exchange.clientVersion,
            keepAlive: exchange.clientKeepAlive,
            isHead: exchange.method == .HEAD
        )
    }

    /// Answers a request that never became an exchange.
    func respond(with page: ErrorPage, to head: HTTPRequestHead) {
        discardingRequestBody = true
        writeErrorPage(page, version: head.version, keepAlive: head.isKeepAlive, isHead: head.method == .HEAD)
    }

    func writeErrorPage(_ page: ErrorPage, version: HTTPVersion, keepAlive: Bool, isHead: Bool) {
        guard let context else { return }
        let bytes = page.response(
            allocator: context.channel.allocator,
            minorVersion: version.minor,
            keepAlive: keepAlive,
            includeBody: !isHead
        )
        context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
        if keepAlive {
            context.flush()
        } else {
            closeAfterFlush(context)
        }
    }

    /// Flushes what was written, then closes; a plain close could drop writes the socket has not taken yet.
    func closeAfterFlush(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(ByteBuffer()))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

}
