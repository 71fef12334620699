import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Slipway's HTTP edge router: one port, requests routed by `Host` to the web dynos of an app.
///
/// The runtime drives it: ``setBackends(app:_:hosts:)`` after new dynos are healthy (an atomic
/// swap: every later request goes to the new set), then ``drained(backends:timeout:)`` before it
/// stops the old ones, and ``removeApp(_:)`` when an app is destroyed.
///
/// Each event loop keeps its own copy of the routing table, its own upstream connection pool and
/// its own counters; a client connection and the backend connections serving it share one loop, so
/// the request path takes no lock.
public final class EdgeRouter: Sendable {
    public let configuration: RouterConfiguration
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let loops: [LoopSlot]
    private let slotsByLoop: [ObjectIdentifier: NIOLoopBoundBox<LoopContext>]
    private let state = Mutex(State())

    private struct LoopSlot: Sendable {
        let eventLoop: any EventLoop
        let context: NIOLoopBoundBox<LoopContext>
    }

    private struct State: Sendable {
        var apps: [String: (hosts: [String], backends: [Backend])] = [:]
        var generation: UInt64 = 0
        var serverChannel: (any Channel)?
        var tlsChannel: (any Channel)?
        var started = false
    }

    /// - Parameter eventLoopGroup: a group to run on (not shut down by ``shutdown()``); by default the
    ///   router makes its own with `configuration.eventLoopThreads` (one per core) threads.
    public init(configuration: RouterConfiguration, eventLoopGroup: (any EventLoopGroup)? = nil) {
        self.configuration = configuration
        if let eventLoopGroup {
            group = eventLoopGroup
            ownsGroup = false
        } else {
            group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads ?? System.coreCount)
            ownsGroup = true
        }
        var loops: [LoopSlot] = []
        var slots: [ObjectIdentifier: NIOLoopBoundBox<LoopContext>] = [:]
        for eventLoop in group.makeIterator() {
            let box = NIOLoopBoundBox.makeBoxSendingValue(
                LoopContext(eventLoop: eventLoop, configuration: configuration),
                eventLoop: eventLoop
            )
            loops.append(LoopSlot(eventLoop: eventLoop, context: box))
            slots[ObjectIdentifier(eventLoop)] = box
        }
        self.loops = loops
        self.slotsByLoop = slots
    }

    /// The port the router listens on, once started.
    public var port: Int? {
        state.withLock { $0.serverChannel?.localAddress?.port }
    }

    /// The HTTPS listener's port, once started with `configuration.tls`.
    public var httpsPort: Int? {
        state.withLock { $0.tlsChannel?.localAddress?.port }
    }

    /// Binds `configuration.host:configuration.port` (and the HTTPS port with `configuration.tls`) and starts serving.
    public func start() async throws {
        let alreadyStarted = state.withLock { state -> Bool in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { throw RouterError.alreadyStarted }
        let slots = slotsByLoop
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let slot = slots[ObjectIdentifier(channel.eventLoop)] else {
                        throw RouterError.foreignEventLoop
                    }
                    try ProxyPipeline.configure(channel, loop: slot.value)
                }
            }
        let channel: any Channel
        var tlsChannel: (any Channel)?
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            if let tls = configuration.tls {
                do {
                    tlsChannel = try await bindTLS(tls, slots: slots)
                } catch {
                    try? await channel.close()
                    throw error
                }
            }
        } catch {
            state.withLock { $0.started = false }
            throw error
        }
        state.withLock {
            $0.serverChannel = channel
            $0.tlsChannel = tlsChannel
        }
        let httpsPort = tlsChannel?.localAddress?.port ?? 0
        await onEveryLoop {
            $0.httpsPort = httpsPort
            $0.startPruning()
        }
    }

    private func bindTLS(
        _ tls: RouterTLS,
        slots: [ObjectIdentifier: NIOLoopBoundBox<LoopContext>]
    ) async throws -> any Channel {
        let context = try TLSServerContext.make(certificates: tls.certificates)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let slot = slots[ObjectIdentifier(channel.eventLoop)] else {
                        throw RouterError.foreignEventLoop
                    }
                    try ProxyPipeline.configureTLS(channel, loop: slot.value, context: context)
                }
            }
            .bind(host: configuration.host, port: tls.port).get()
    }

    /// Stops accepting, gives in-flight requests up to `gracePeriod` to finish, then closes everything.
    public func shutdown(gracePeriod: Duration = .seconds(5)) async throws {
        let channels = state.withLock { state -> [any Channel] in
            defer {
                state.serverChannel = nil
                state.tlsChannel = nil
            }
            return [state.serverChannel, state.tlsChannel].compactMap { $0 }
        }
        for channel in channels { try? await channel.close() }
        let deadline = ContinuousClock.now + gracePeriod
        while await totalInFlight() > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        await onEveryLoop { $0.stop() }
        if ownsGroup { try await group.shutdownGracefully() }
    }

    // MARK: Routing table

    /// Atomically replaces the backends of `app` (creating the app if new). When this returns,
    /// every event loop routes new requests to `backends`; requests already on the old backends
    /// carry on (wait for them with ``drained(backends:timeout:)``).
    ///
    /// - Parameter hosts: host names routed to the app; `nil` keeps the app's current ones, or
    ///   `<app>.<domain>` for a new app. A review app passes `RouterHostNames.reviewApp(...)`.
    public func setBackends(app: String, _ backends: [Backend], hosts: [String]? = nil) async {
        let table = state.withLock { state -> RoutingTable in
            let current = state.apps[app]?.hosts ?? [RouterHostNames.app(app, domain: configuration.domain)]
            state.apps[app] = (hosts: hosts ?? current, backends: backends)
            return nextTable(&state)
        }
        await install(table)
        if let tls = configuration.tls {
            let routed = state.withLock { $0.apps[app]?.hosts ?? [] }
            await tls.certificates.hostsRouted(routed)
        }
    }

    /// Stops routing to `app`: its hosts answer 404 from now on.
    public func removeApp(_ app: String) async {
        let (table, removedHosts) = state.withLock { state -> (RoutingTable, [String]) in
            let hosts = state.apps[app]?.hosts ?? []
            state.apps[app] = nil
            return (nextTable(&state), hosts)
        }
        await install(table)
        if let tls = configuration.tls, !removedHosts.isEmpty {
            await tls.certificates.hostsUnrouted(removedHosts)
        }
    }

    /// App name → backends, as currently routed.
    public func routes() -> [String: [Backend]] {
        state.withLock { $0.apps.mapValues(\.backends) }
    }

    private func nextTable(_ state: inout State) -> RoutingTable {
        state.generation += 1
        return RoutingTable(generation: state.generation, apps: state.apps)
    }

    private func install(_ table: RoutingTable) async {
        await onEveryLoop { $0.apply(table) }
    }

    // MARK: Drain and in-flight counts

    /// Waits until no request (or WebSocket tunnel) is in flight on any of `backends`, or until
    /// `timeout` passes. Returns `true` when they drained.
    @discardableResult
    public func drained(backends: [Backend], timeout: Duration) async -> Bool {
        let watched = Set(backends)
        let deadline = ContinuousClock.now + timeout
        while true {
            let count = await sumOverLoops { $0.inFlight(on: watched) }
            if count == 0 { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Requests (and tunnels) in flight for `app` right now.
    public func inFlightRequests(app: String) async -> Int {
        await sumOverLoops { $0.metrics.inFlight(app: app) }
    }

    private func totalInFlight() async -> Int {
        await sumOverLoops { $0.metrics.totalInFlight }
    }

    // MARK: Metrics

    /// Counters by app, merged from every event loop.
    public func metrics() async -> RouterMetricsSnapshot {
        var merged = RouterMetricsSnapshot()
        for slot in loops {
            let box = slot.context
            if let snapshot = try? await slot.eventLoop.submit({
                box.value.metrics.snapshot()
            }).get() {
                merged.merge(snapshot)
            }
        }
        return merged
    }

    /// ``metrics()`` in the Prometheus text format, for `/metrics`.
    public func prometheusText() async -> String {
        await metrics().prometheusText()
    }

    // MARK: Reaching the loops

    private func onEveryLoop(_ body: @escaping @Sendable (LoopContext) -> Void) async {
        await withTaskGroup(of: Void.self) { tasks in
            for slot in loops {
                let box = slot.context
                tasks.addTask {
                    try? await slot.eventLoop.submit { body(box.value) }.get()
                }
            }
        }
    }

    private func sumOverLoops(_ body: @escaping @Sendable (LoopContext) -> Int) async -> Int {
        var total = 0
        for slot in loops {
            let box = slot.context
            total += (try? await slot.eventLoop.submit { body(box.value) }.get()) ?? 0
        }
        return total
    }
}

/// Errors the router throws to its caller.
public struct RouterError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public var description: String { message }

    static let alreadyStarted = RouterError(message: "the router is already started")

    static let foreignEventLoop = RouterError(
        message: "a connection was accepted on an event loop the router was not set up for"
    )
}
