import NIOCore
import NIOSSL

/// The handlers of a client connection: only the proxy (behind a TLS handler on the HTTPS listener). It reads
/// requests as bytes (``RequestFramer``) and writes responses as the bytes the backend framed, so there is
/// neither decoder nor encoder.
enum ProxyPipeline {
    static func configure(_ channel: any Channel, loop: LoopContext) throws {
        try channel.pipeline.syncOperations.addHandler(ProxyHandler(loop: loop, overTLS: false))
        loop.register(channel)
    }

    static func configureTLS(_ channel: any Channel, loop: LoopContext, context: NIOSSLContext) throws {
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(NIOSSLServerHandler(context: context))
        try operations.addHandler(ProxyHandler(loop: loop, overTLS: true))
        loop.register(channel)
    }
}
