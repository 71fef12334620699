import NIOCore
import NIOHTTP1

/// How an exchange ends: the 30 s timeout, a finished or failed exchange, and the router's own error pages.
extension ProxyHandler {
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

    // MARK: Client timeouts

    func armClientTimer(after delay: TimeAmount) {
        guard let context else { return }
        clientTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.clientTimerFired()
        }
    }

    /// The header timeout (a client must finish a request head within `headerTimeout` of its first byte,
    /// else 408 and close: slowloris clients cannot hold connections) and the keep-alive timeout (a
    /// connection waiting for its next request closes after `keepAliveTimeout`; a new connection that sends
    /// nothing closes after `headerTimeout`). While a request is being answered neither applies.
    func clientTimerFired() {
        clientTimer = nil
        guard context != nil else { return }
        let configuration = loop.configuration
        let now = NIODeadline.now()
        if exchange != nil || !queued.isEmpty {
            armClientTimer(after: configuration.headerTimeout)
            return
        }
        if let since = partialHeadSince {
            let waited = now - since
            guard waited >= configuration.headerTimeout else {
                armClientTimer(after: configuration.headerTimeout - waited)
                return
            }
            writeErrorPage(.requestTimeout(configuration.headerTimeout), minorVersion: 1, keepAlive: false, isHead: false)
            return
        }
        let limit = servedRequests == 0 ? configuration.headerTimeout : configuration.keepAliveTimeout
        let waited = now - waitingSince
        guard waited >= limit else {
            armClientTimer(after: limit - waited)
            return
        }
        context?.close(promise: nil)
    }

    // MARK: Ending an exchange

    /// Ends the exchange's accounting and hands its upstream connection back (or closes it).
    /// `now` is when the response ended (the time of the backend read that ended it, if any).
    func finish(_ exchange: Exchange, upstreamReusable: Bool, at now: NIODeadline = .now()) {
        self.exchange = nil
        servedRequests &+= 1
        waitingSince = now
        unwrittenHead = nil
        if let upstream = exchange.upstream {
            exchange.upstream = nil
            if upstreamReusable && loop.table.allBackends.contains(upstream.backend) {
                loop.pool.park(upstream, at: now)
            } else {
                upstream.close()
            }
        }
        loop.requestFinished(
            app: exchange.route.app,
            backend: exchange.backend,
            status: exchange.responseStatus.map { Int($0.code) },
            nanoseconds: (now - exchange.started).nanoseconds
        )
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
            minorVersion: exchange.clientMinorVersion,
            keepAlive: exchange.clientKeepAlive && !exchange.isUpgrade,
            isHead: exchange.method == .head
        )
    }

    /// Answers a request that never became an exchange.
    func respond(with page: ErrorPage, to head: RequestHead) {
        discardingRequestBody = true
        // An upgrade request that got no tunnel leaves bytes nobody can read as HTTP: close after.
        let keepAlive = head.keepAlive && !head.isUpgrade
        writeErrorPage(page, minorVersion: head.minorVersion, keepAlive: keepAlive, isHead: head.method == .head)
    }

    func writeErrorPage(_ page: ErrorPage, minorVersion: Int, keepAlive: Bool, isHead: Bool) {
        guard let context else { return }
        let bytes = page.response(
            allocator: allocator,
            minorVersion: minorVersion,
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
