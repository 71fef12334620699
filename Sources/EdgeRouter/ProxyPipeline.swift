import NIOCore

/// The handlers of a client connection: only the proxy. It reads requests as bytes (``RequestFramer``)
/// and writes responses as the bytes the backend framed, so there is neither decoder nor encoder.
enum ProxyPipeline {
    static func configure(_ channel: any Channel, loop: LoopContext) throws {
        try channel.pipeline.syncOperations.addHandler(ProxyHandler(loop: loop))
        loop.register(channel)
    }
}
