import NIOCore
import NIOPosix

/// How the router picks one of an app's backends for each request.
public enum BalancingStrategy: String, Sendable, CaseIterable {
    /// Each backend in turn.
    case roundRobin = "round-robin"
    /// The backend with the fewest requests in flight, counted per event loop (like nginx's `least_conn`
    /// without a shared zone); ties go round-robin.
    case leastConnections = "least-connections"
}

/// Settings of one ``EdgeRouter``. Defaults follow SPEC §6: port 5000 on loopback, 30 s upstream timeout.
public struct RouterConfiguration: Sendable {
    /// Address to bind. Loopback unless the service was told otherwise.
    public var host: String
    /// Port to bind; `0` picks a free one (read it back from ``EdgeRouter/port``).
    public var port: Int
    /// The domain apps live under: `<app>.<domain>` and `pr-<N>.<pipeline>.<domain>`.
    public var domain: String
    public var balancing: BalancingStrategy
    /// Longest wait for the backend to say something (the response head, or the next bytes of a
    /// response); past it the client gets a 504, or the connection is cut if the response had begun.
    public var upstreamTimeout: TimeAmount
    /// Longest wait for a TCP connection to a backend before trying the next one.
    public var connectTimeout: TimeAmount
    /// Idle keep-alive connections kept per backend and per event loop.
    public var maxIdleConnectionsPerBackend: Int
    /// Idle upstream connections older than this are closed.
    public var idleConnectionTimeout: TimeAmount
    /// Longest a client may take to send a whole request head, from its first byte (and a new connection to
    /// send its first byte): past it a 408 and the connection closes. nginx's `client_header_timeout` is 60 s;
    /// 10 s is plenty for any real client and frees a slowloris connection six times sooner.
    public var headerTimeout: TimeAmount
    /// A keep-alive connection waiting for its next request is closed after this (nginx's `keepalive_timeout`).
    public var keepAliveTimeout: TimeAmount
    /// Event loop threads when the router makes its own group (`nil`: one per core).
    public var eventLoopThreads: Int?
    /// Value of `X-Forwarded-Proto` for requests on the plain HTTP port (`https` when a TLS terminator sits
    /// in front of it); requests on the router's own HTTPS listener always say `https`.
    public var forwardedProto: String
    /// The HTTPS listener and its certificates; `nil`: plain HTTP only.
    public var tls: RouterTLS?

    public init(
        host: String = "127.0.0.1",
        port: Int = 5000,
        domain: String = "localhost",
        balancing: BalancingStrategy = .roundRobin,
        upstreamTimeout: TimeAmount = .seconds(30),
        connectTimeout: TimeAmount = .seconds(5),
        maxIdleConnectionsPerBackend: Int = 512,
        idleConnectionTimeout: TimeAmount = .seconds(60),
        eventLoopThreads: Int? = nil,
        forwardedProto: String = "http",
        headerTimeout: TimeAmount = .seconds(10),
        keepAliveTimeout: TimeAmount = .seconds(75),
        tls: RouterTLS? = nil
    ) {
        self.tls = tls
        self.headerTimeout = headerTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.host = host
        self.port = port
        self.domain = domain
        self.balancing = balancing
        self.upstreamTimeout = upstreamTimeout
        self.connectTimeout = connectTimeout
        self.maxIdleConnectionsPerBackend = maxIdleConnectionsPerBackend
        self.idleConnectionTimeout = idleConnectionTimeout
        self.eventLoopThreads = eventLoopThreads
        self.forwardedProto = forwardedProto
    }
}
