import NIOCore
import NIOHTTP1

/// One keep-alive HTTP/1.1 connection to a backend, and the last handler of its pipeline.
///
/// Requests go out as bytes ``UpstreamRequestWriter`` prepared; responses come back as raw bytes
/// that a ``ResponseFramer`` splits into head, body and end for the proxy to relay untouched.
/// While a request is on it, `proxy` is the client-side handler it relays the response to; while it
/// sits idle in the pool, `proxy` is nil and any byte or EOF from the backend just closes it.
/// Lives on the same event loop as the client connection that uses it, so relaying is plain calls.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let backend: Backend
    private(set) var context: ChannelHandlerContext?
    /// The exchange using this connection, if any.
    var proxy: ProxyHandler?
    /// When the connection was last parked in the pool.
    var idleSince: NIODeadline = .now()
    /// A read the client's backpressure held back.
    private var readPending = false
    private let framer = ResponseFramer()

    init(backend: Backend) {
        self.backend = backend
    }

    /// Kept from the channel's events rather than asked of the channel: the pool checks it on every
    /// take and park, and each question to the channel is a pipeline hop, a lock-free load and a retain.
    private(set) var isActive = false
    private(set) var isWritable = true
    private var allocator = ByteBufferAllocator()

    /// Says what the next response answers; call before sending its request.
    func expect(_ expectation: ResponseFramer.Expectation) {
        framer.expect(expectation)
    }

    func write(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func close() {
        proxy = nil
        isActive = false
        context?.close(promise: nil)
    }

    /// The client can take more response bytes again.
    func resumeReading() {
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
        isActive = context.channel.isActive
        isWritable = context.channel.isWritable
    }

    func channelActive(context: ChannelHandlerContext) {
        isActive = true
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard proxy != nil else {
            // Nothing is asked of an idle connection: whatever arrives makes it unusable.
            context.close(promise: nil)
            return
        }
        // One clock read per backend read: it dates the upstream activity and the response's end.
        let now = NIODeadline.now()
        proxy?.upstreamBytesArrived(from: self, at: now)
        do {
            try framer.feed(unwrapInboundIn(data), allocator: allocator) { event in
                // `proxy` lets go of this connection at the end of a response; later events are dropped.
                switch event {
                case .head(let head): self.proxy?.upstreamResponseHead(head, from: self)
                case .body(let body): self.proxy?.upstreamResponseBody(body, from: self)
                case .end: self.proxy?.upstreamResponseEnd(from: self, at: now)
                case .switched(let leftover): self.proxy?.upstreamSwitchedProtocols(leftover: leftover, from: self)
                }
            }
        } catch {
            // Unparseable, or bytes nobody asked for: this connection cannot be trusted any more.
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        proxy?.upstreamReadComplete(from: self)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        let proxy = self.proxy
        self.proxy = nil
        if framer.feedEOF() {
            // A body delimited by the end of the connection is complete now.
            proxy?.upstreamResponseEnd(from: self, at: .now())
        }
        proxy?.upstreamClosed(self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A broken or unparseable backend connection is closed; the exchange learns through channelInactive.
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        if isWritable { proxy?.upstreamBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if let proxy, !proxy.clientIsWritable {
            readPending = true
        } else {
            context.read()
        }
    }
}
