import NIOCore

/// One app's entry in a ``RoutingTable``: its name and the backends that serve it right now.
///
/// Immutable and shared by every event loop; a swap replaces the whole table, never an entry in place.
final class AppRoute: Sendable {
    let app: String
    let backends: [Backend]
    /// `backends[i].socketAddress`, computed once per swap rather than once per connect.
    let addresses: [SocketAddress?]

    init(app: String, backends: [Backend]) {
        self.app = app
        self.backends = backends
        self.addresses = backends.map(\.socketAddress)
    }
}

/// Host names the runtime registers apps under (SPEC §6).
public enum RouterHostNames {
    /// `<app>.<domain>`
    public static func app(_ app: String, domain: String) -> String {
        "\(app).\(domain)".lowercased()
    }

    /// `pr-<N>.<pipeline>.<domain>`, the host of a review app.
    public static func reviewApp(pullRequest number: Int, pipeline: String, domain: String) -> String {
        "pr-\(number).\(pipeline).\(domain)".lowercased()
    }

    /// The host part of a `Host` header: lowercased, without the port or a trailing dot.
    /// Returns the input unchanged (no allocation) when it is already in that form.
    static func normalize(_ header: String) -> String {
        var needsWork = header.utf8.last == UInt8(ascii: ".")
        if !needsWork {
            for byte in header.utf8 where byte == UInt8(ascii: ":") || (65...90).contains(byte) {
                needsWork = true
                break
            }
        }
        if !needsWork { return header }

        var host = Substring(header)
        if host.hasPrefix("[") {
            // IPv6 literal: "[::1]:5000"
            if let close = host.firstIndex(of: "]") { host = host[host.startIndex...close] }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        while host.hasSuffix(".") { host = host.dropLast() }
        return host.lowercased()
    }
}

/// An immutable snapshot of host → app → backends. Event loops hold one each and swap it whole,
/// so a request sees either the old backend set or the new one, never a mixture.
struct RoutingTable: Sendable {
    /// Increases with every change; an event loop ignores a table older than the one it has.
    let generation: UInt64
    let routesByHost: [String: AppRoute]
    let routesByApp: [String: AppRoute]
    /// Every backend of every app, to tell whether an upstream connection is still worth keeping.
    let allBackends: Set<Backend>

    static let empty = RoutingTable(generation: 0, apps: [:])

    /// - Parameter apps: app name → (host names, backends).
    init(generation: UInt64, apps: [String: (hosts: [String], backends: [Backend])]) {
        self.generation = generation
        var byHost: [String: AppRoute] = [:]
        var byApp: [String: AppRoute] = [:]
        var all: Set<Backend> = []
        for (app, entry) in apps {
            let route = AppRoute(app: app, backends: entry.backends)
            byApp[app] = route
            for host in entry.hosts { byHost[RouterHostNames.normalize(host)] = route }
            all.formUnion(entry.backends)
        }
        self.routesByHost = byHost
        self.routesByApp = byApp
        self.allBackends = all
    }

    /// The route for a request's `Host` header value, if any app is registered under it.
    func route(forHostHeader header: String) -> AppRoute? {
        routesByHost[RouterHostNames.normalize(header)]
    }
}
