import NIOCore

/// One upstream endpoint of an app: a web dyno listening on `host:port`.
///
/// Dynos listen on loopback, so `host` is normally an IP literal; a name is resolved on every connect.
public struct Backend: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }

    /// The socket address to connect to, when `host` is an IP literal (no resolver round trip).
    var socketAddress: SocketAddress? {
        try? SocketAddress(ipAddress: host, port: port)
    }
}
