import NIOCore
import NIOHTTP1

/// The upstream side of an exchange: what `UpstreamConnection` reports about the backend's response.
extension ProxyHandler {
    /// The backend sent bytes (read at `now`): the upstream timeout counts from here.
    func upstreamBytesArrived(from connection: UpstreamConnection, at now: NIODeadline) {
        guard let exchange, exchange.upstream === connection else { return }
        exchange.lastUpstreamActivity = now
    }

    func upstreamResponseHead(_ head: ResponseFramer.Head, from connection: UpstreamConnection) {
        guard let exchange, exchange.upstream === connection, let context else { return }
        if head.isInformational {
            // 100 Continue and friends: HTTP/1.0 clients do not expect them.
            if exchange.clientMinorVersion >= 1 { context.write(wrapOutboundOut(.byteBuffer(head.bytes)), promise: nil) }
            return
        }
        exchange.upgradeAccepted = head.status == 101
        exchange.upstreamKeepAlive = head.upstreamKeepAlive
        // A refused upgrade: what the client sent after its request was not meant to be read as HTTP.
        closeAfterResponse = !head.clientKeepAlive || (exchange.isUpgrade && head.status != 101)
        exchange.responseStatus = HTTPResponseStatus(statusCode: head.status)
        unwrittenHead = head.bytes
    }

    func upstreamResponseBody(_ body: ByteBuffer, from connection: UpstreamConnection) {
        guard exchange?.upstream === connection, let context else { return }
        if var head = unwrittenHead {
            unwrittenHead = nil
            if body.readableBytes <= Self.coalescedBodyLimit {
                var body = body
                head.writeBuffer(&body)
                context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
                return
            }
            context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
        }
        context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil)
    }

    /// Bodies up to this size are copied behind their head rather than written separately.
    private static let coalescedBodyLimit = 4096

    func writeUnwrittenHead(_ context: ChannelHandlerContext) {
        if let head = unwrittenHead {
            unwrittenHead = nil
            context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
        }
    }

    func upstreamReadComplete(from connection: UpstreamConnection) {
        guard exchange?.upstream === connection, let context else { return }
        writeUnwrittenHead(context)
        context.flush()
    }

    func upstreamResponseEnd(from connection: UpstreamConnection, at now: NIODeadline) {
        guard let exchange, exchange.upstream === connection, let context else { return }
        writeUnwrittenHead(context)
        let close = closeAfterResponse
        closeAfterResponse = false
        finish(exchange, upstreamReusable: exchange.upstreamKeepAlive && exchange.requestEnded, at: now)
        if close {
            closeAfterFlush(context)
        } else {
            context.flush()
        }
    }

    /// The backend switched protocols (WebSocket): relay what it sent past the 101, then become a tunnel.
    func upstreamSwitchedProtocols(leftover: ByteBuffer, from connection: UpstreamConnection) {
        guard let exchange, exchange.upstream === connection, let context else { return }
        writeUnwrittenHead(context)
        if leftover.readableBytes > 0 { context.write(wrapOutboundOut(.byteBuffer(leftover)), promise: nil) }
        context.flush()
        switchToTunnel(exchange)
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard let exchange, exchange.upstream === connection else { return }
        exchange.upstream = nil
        if exchange.responseStatus == nil {
            if exchange.isReplayable {
                // A pooled connection the backend had already closed: send the request again on a new one.
                exchange.retriedOnFreshConnection = true
                if exchange.requestEnded { exchange.pendingParts = [.end] }
                dispatch(exchange)
                return
            }
            fail(
                exchange,
                with: .badGateway(
                    app: exchange.route.app,
                    cause: "the web dyno at \(exchange.backend) closed the connection without answering"
                )
            )
        } else {
            // The response was cut short; the client must not mistake it for a whole one.
            finish(exchange, upstreamReusable: false)
            context?.close(promise: nil)
        }
    }

    func upstreamBecameWritable() {
        resumeClientReads()
    }
}
