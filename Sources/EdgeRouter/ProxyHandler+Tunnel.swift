import NIOCore
import NIOHTTP1

/// WebSocket and other protocol switches: after the backend's `101`, both connections become a byte tunnel.
extension ProxyHandler {
    /// After a 101, both connections stop speaking HTTP: the HTTP handlers leave both pipelines
    /// and a pair of ``TunnelHandler``s relays bytes. The exchange stays in flight until either side closes.
    func switchToTunnel(_ exchange: Exchange) {
        guard self.exchange === exchange, let context, let upstream = exchange.upstream,
            let upstreamContext = upstream.context, upstream.isActive
        else {
            if let exchange = self.exchange { finish(exchange, upstreamReusable: false) }
            context?.close(promise: nil)
            return
        }
        timer?.cancel()
        timer = nil
        clientTimer?.cancel()
        clientTimer = nil
        self.exchange = nil
        upstream.proxy = nil
        let elapsed = (NIODeadline.now() - exchange.started).nanoseconds
        loop.metrics.record(app: exchange.route.app, status: 101, nanoseconds: elapsed)

        let clientChannel = context.channel
        let loop = self.loop
        let app = exchange.route.app
        let backend = exchange.backend
        clientChannel.closeFuture.assumeIsolated().whenComplete { _ in
            loop.requestFinished(app: app, backend: backend, status: nil, nanoseconds: 0)
        }

        // What the client sent past its upgrade request belongs to the new protocol: the backend gets it first.
        if let held = framer.takeUpgradeBytes(), held.readableBytes > 0 { upstream.write(held) }
        TunnelHandler.replaceHTTP(client: context, upstream: upstreamContext)
    }
}
