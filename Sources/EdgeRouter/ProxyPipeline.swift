import NIOCore
import NIOHTTP1

/// The handlers of a client connection, in order: NIO's request decoder, then the proxy.
/// There is no response encoder: responses are relayed as the bytes the backend framed.
enum ProxyPipeline {
    static func configure(_ channel: any Channel, loop: LoopContext) throws {
        let sync = channel.pipeline.syncOperations
        // Forward, not drop, bytes read past an upgrade request: they belong to the tunnel.
        try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        try sync.addHandler(ProxyHandler(loop: loop))
        loop.register(channel)
    }
}
