import NIOCore
import NIOHTTP1
import NIOPosix

/// The keep-alive connections of one event loop to every backend.
///
/// Connections are opened on the loop that owns the pool, which is the loop of the client
/// connections that use them: relaying never hops threads and the pool needs no lock.
final class UpstreamPool {
    private let eventLoop: any EventLoop
    private let connectTimeout: TimeAmount
    private let maxIdlePerBackend: Int
    private var idle: [Backend: [UpstreamConnection]] = [:]

    init(eventLoop: any EventLoop, connectTimeout: TimeAmount, maxIdlePerBackend: Int) {
        self.eventLoop = eventLoop
        self.connectTimeout = connectTimeout
        self.maxIdlePerBackend = maxIdlePerBackend
    }

    /// The most recently parked live connection to `backend`, if any (LIFO keeps a warm few in use
    /// and lets the rest age out).
    func takeIdle(_ backend: Backend) -> UpstreamConnection? {
        while let connection = idle[backend]?.popLast() {
            if connection.isActive { return connection }
        }
        return nil
    }

    /// Opens a new connection to `backend`.
    func connect(_ backend: Backend, address: SocketAddress?) -> EventLoopFuture<UpstreamConnection> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(UpstreamConnection(backend: backend))
                }
            }
        let channel: EventLoopFuture<any Channel>
        if let address {
            channel = bootstrap.connect(to: address)
        } else {
            channel = bootstrap.connect(host: backend.host, port: backend.port)
        }
        return channel.flatMapThrowing { channel in
            try channel.pipeline.syncOperations.handler(type: UpstreamConnection.self)
        }
    }

    /// Takes back a connection whose exchange finished cleanly; closes it when the pool is full.
    func park(_ connection: UpstreamConnection, at now: NIODeadline = .now()) {
        connection.proxy = nil
        guard connection.isActive else { return }
        connection.idleSince = now
        if !idle[connection.backend, default: []].append(connection, ifCountBelow: maxIdlePerBackend) {
            connection.close()
        }
    }

    /// Closes idle connections to backends no longer routed (after a swap) or idle longer than `maxIdle`.
    func prune(keeping routed: Set<Backend>, now: NIODeadline, maxIdle: TimeAmount) {
        for (backend, connections) in idle {
            if !routed.contains(backend) {
                connections.forEach { $0.close() }
                idle[backend] = nil
                continue
            }
            var kept: [UpstreamConnection] = []
            for connection in connections {
                if connection.isActive && now - connection.idleSince < maxIdle {
                    kept.append(connection)
                } else {
                    connection.close()
                }
            }
            idle[backend] = kept.isEmpty ? nil : kept
        }
    }

    func closeAll() {
        for connections in idle.values { connections.forEach { $0.close() } }
        idle.removeAll()
    }
}

extension Array {
    /// Appends when there is room; one in-place access where a count check and an append would be two.
    fileprivate mutating func append(_ element: Element, ifCountBelow limit: Int) -> Bool {
        guard count < limit else { return false }
        append(element)
        return true
    }
}
