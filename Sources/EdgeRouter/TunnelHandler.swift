import NIOCore
import NIOHTTP1

/// Relays raw bytes between two channels once a protocol switch (WebSocket) succeeded: one handler
/// sits in each channel, paired with its partner in the other.
///
/// Reads are only issued while the partner can take writes, so a slow side slows the fast one
/// instead of filling memory. Either side closing closes both.
final class TunnelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: TunnelHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false

    private init() {}

    /// Turns a client connection and its backend connection into a tunnel after a 101: the HTTP
    /// handlers leave both pipelines (`client` and `upstream` are the contexts of the last ones) and a
    /// matched pair of tunnel handlers takes their place. Bytes the client sent past its request
    /// were written to the backend already (the proxy held them).
    static func replaceHTTP(client: ChannelHandlerContext, upstream: ChannelHandlerContext) {
        let clientChannel = client.channel
        let upstreamChannel = upstream.channel
        let (clientSide, upstreamSide) = matchedPair()
        let clientPipeline = clientChannel.pipeline.syncOperations
        let upstreamPipeline = upstreamChannel.pipeline.syncOperations
        do {
            try clientPipeline.addHandler(clientSide)
            try upstreamPipeline.addHandler(upstreamSide)
            upstreamPipeline.removeHandler(context: upstream, promise: nil)
            clientPipeline.removeHandler(context: client, promise: nil)
        } catch {
            clientChannel.close(promise: nil)
            upstreamChannel.close(promise: nil)
            return
        }
        clientChannel.flush()
        upstreamChannel.flush()
        // Reads held back while the switch was under way must be asked for again.
        clientChannel.read()
        upstreamChannel.read()
    }

    static func matchedPair() -> (TunnelHandler, TunnelHandler) {
        let first = TunnelHandler()
        let second = TunnelHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.partnerWrite(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.partnerClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        partner?.partnerClose()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if partner?.isWritable ?? false {
            context.read()
        } else {
            readPending = true
        }
    }

    private var isWritable: Bool { context?.channel.isWritable ?? false }

    private func partnerWrite(_ data: NIOAny) {
        context?.write(data, promise: nil)
    }

    private func partnerFlush() {
        context?.flush()
    }

    private func partnerClose() {
        context?.close(promise: nil)
    }

    private func partnerBecameWritable() {
        if readPending, let context {
            readPending = false
            context.read()
        }
    }
}
