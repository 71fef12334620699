import NIOCore

/// Everything the proxy needs on one event loop: the routing table it currently serves, the
/// upstream pool, in-flight counts, balancing cursors and metrics.
///
/// Only ever touched on its own loop (the router reaches it with `submit`), so none of it is locked.
final class LoopContext {
    let eventLoop: any EventLoop
    let configuration: RouterConfiguration
    private(set) var table: RoutingTable = .empty
    let pool: UpstreamPool
    var requestIDs = RequestIDGenerator()
    var metrics = LoopMetrics()
    private(set) var inFlightByBackend: [Backend: Int] = [:]
    private var cursors: [String: Int] = [:]
    /// Open client connections, closed by `stop()` even when the event loops live on.
    private var clientChannels: [ObjectIdentifier: any Channel] = [:]
    private var pruneTask: Scheduled<Void>?
    /// The HTTPS listener's port once bound (for redirects), `0` without one.
    var httpsPort = 0

    init(eventLoop: any EventLoop, configuration: RouterConfiguration) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.pool = UpstreamPool(
            eventLoop: eventLoop,
            connectTimeout: configuration.connectTimeout,
            maxIdlePerBackend: configuration.maxIdleConnectionsPerBackend
        )
    }

    /// Starts the periodic closing of stale idle upstream connections.
    func startPruning() {
        guard pruneTask == nil else { return }
        let interval = TimeAmount.nanoseconds(max(configuration.idleConnectionTimeout.nanoseconds / 4, 100_000_000))
        schedulePrune(after: interval)
    }

    private func schedulePrune(after interval: TimeAmount) {
        pruneTask = eventLoop.assumeIsolated().scheduleTask(in: interval) {
            self.pool.prune(keeping: self.table.allBackends, now: .now(), maxIdle: self.configuration.idleConnectionTimeout)
            self.schedulePrune(after: interval)
        }
    }

    func stop() {
        pruneTask?.cancel()
        pruneTask = nil
        pool.closeAll()
        for channel in clientChannels.values { channel.close(promise: nil) }
        clientChannels.removeAll()
    }

    /// Remembers a client connection until it closes.
    func register(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        clientChannels[key] = channel
        channel.closeFuture.assumeIsolated().whenComplete { _ in
            self.clientChannels[key] = nil
        }
    }

    /// Installs a newer routing table and drops idle connections to backends it no longer names.
    func apply(_ newTable: RoutingTable) {
        guard newTable.generation > table.generation else { return }
        table = newTable
        pool.prune(keeping: newTable.allBackends, now: .now(), maxIdle: configuration.idleConnectionTimeout)
    }

    /// Picks a backend of `route` that is not in `excluded`, by the configured strategy.
    func pickBackend(_ route: AppRoute, excluding excluded: [Backend]) -> Int? {
        let count = route.backends.count
        guard count > 0 else { return nil }
        // One in-place access to the cursor: read here, advanced below.
        return pick(route, excluding: excluded, cursor: &cursors[route.app, default: Int.random(in: 0..<count)])
    }

    private func pick(_ route: AppRoute, excluding excluded: [Backend], cursor: inout Int) -> Int? {
        let count = route.backends.count
        let start = cursor
        var chosen: Int?
        var fewest = Int.max
        for step in 0..<count {
            let index = (start + step) % count
            let backend = route.backends[index]
            if !excluded.isEmpty && excluded.contains(backend) { continue }
            switch configuration.balancing {
            case .roundRobin:
                chosen = index
            case .leastConnections:
                let load = inFlightByBackend[backend] ?? 0
                if load < fewest {
                    fewest = load
                    chosen = index
                }
                if load > 0 { continue }
            }
            break
        }
        if let chosen { cursor = (chosen + 1) % count }
        return chosen
    }

    func requestStarted(app: String, backend: Backend) {
        metrics.started(app: app)
        inFlightByBackend[backend, default: 0] += 1
    }

    func requestMoved(from old: Backend, to new: Backend) {
        decrement(&inFlightByBackend, old)
        inFlightByBackend[new, default: 0] += 1
    }

    /// The request is over; `status` is what the client got, nil when no response was sent.
    func requestFinished(app: String, backend: Backend, status: Int?, nanoseconds: Int64) {
        metrics.finished(app: app, status: status, nanoseconds: nanoseconds)
        decrement(&inFlightByBackend, backend)
    }

    func inFlight(on backends: Set<Backend>) -> Int {
        backends.reduce(0) { $0 + (inFlightByBackend[$1] ?? 0) }
    }

    /// One hash lookup: the entry is changed or removed through its index.
    private func decrement<Key: Hashable>(_ counts: inout [Key: Int], _ key: Key) {
        guard let index = counts.index(forKey: key) else { return }
        if counts.values[index] > 1 {
            counts.values[index] -= 1
        } else {
            counts.remove(at: index)
        }
    }
}
