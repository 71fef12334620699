/// The class of an HTTP status code, as counted by the router.
public enum StatusClass: String, Sendable, CaseIterable, Comparable {
    case informational = "1xx"
    case success = "2xx"
    case redirection = "3xx"
    case clientError = "4xx"
    case serverError = "5xx"

    public init(code: Int) {
        switch code {
        case ..<200: self = .informational
        case 200..<300: self = .success
        case 300..<400: self = .redirection
        case 400..<500: self = .clientError
        default: self = .serverError
        }
    }

    /// Position in `allCases`, without building that array on every request.
    var index: Int {
        switch self {
        case .informational: 0
        case .success: 1
        case .redirection: 2
        case .clientError: 3
        case .serverError: 4
        }
    }

    public static func < (lhs: StatusClass, rhs: StatusClass) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A latency histogram with fixed bucket bounds (seconds), Prometheus style.
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds of the buckets, in seconds; a last, implicit bucket is `+Inf`.
    public static let upperBounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]

    /// Observations per bucket (not cumulative); `counts.count == upperBounds.count + 1`.
    public internal(set) var counts: [UInt64]
    /// Sum of all observations, in seconds.
    public internal(set) var sum: Double
    public internal(set) var count: UInt64

    public init() {
        counts = Array(repeating: 0, count: Self.upperBounds.count + 1)
        sum = 0
        count = 0
    }

    mutating func observe(nanoseconds: Int64) {
        let seconds = Double(nanoseconds) / 1_000_000_000
        var index = 0
        while index < Self.upperBounds.count && seconds > Self.upperBounds[index] { index += 1 }
        counts[index] += 1
        sum += seconds
        count += 1
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        sum += other.sum
        count += other.count
    }

    /// Observations at or below `upperBounds[index]` (or all of them for the `+Inf` bucket).
    public func cumulativeCount(throughBucket index: Int) -> UInt64 {
        counts[...index].reduce(0, +)
    }
}

/// What the router has measured for one app.
public struct AppMetrics: Sendable, Equatable {
    /// Responses by status class (error pages the router wrote itself included).
    public internal(set) var requests: [StatusClass: UInt64]
    /// Time from the request head arriving to the response end being written.
    public internal(set) var latency: LatencyHistogram
    /// Requests (and WebSocket tunnels) in flight when the snapshot was taken.
    public internal(set) var inFlight: Int

    public init() {
        requests = [:]
        latency = LatencyHistogram()
        inFlight = 0
    }

    public var totalRequests: UInt64 { requests.values.reduce(0, +) }

    mutating func merge(_ other: AppMetrics) {
        for (statusClass, count) in other.requests { requests[statusClass, default: 0] += count }
        latency.merge(other.latency)
        inFlight += other.inFlight
    }
}

/// A consistent-enough copy of the router's counters, merged from every event loop.
public struct RouterMetricsSnapshot: Sendable, Equatable {
    public internal(set) var apps: [String: AppMetrics]
    /// Requests whose `Host` named no app (answered 404).
    public internal(set) var unroutedRequests: UInt64

    public init() {
        apps = [:]
        unroutedRequests = 0
    }

    mutating func merge(_ other: RouterMetricsSnapshot) {
        for (app, metrics) in other.apps { apps[app, default: AppMetrics()].merge(metrics) }
        unroutedRequests += other.unroutedRequests
    }

    /// The snapshot in the Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        var out = ""
        let names = apps.keys.sorted()

        out += "# HELP slipway_router_requests_total Responses sent by the router, by app and status class.\n"
        out += "# TYPE slipway_router_requests_total counter\n"
        for app in names {
            let metrics = apps[app]!
            for statusClass in StatusClass.allCases {
                let count = metrics.requests[statusClass] ?? 0
                out += "slipway_router_requests_total{app=\"\(escape(app))\",status=\"\(statusClass.rawValue)\"} \(count)\n"
            }
        }

        out += "# HELP slipway_router_request_duration_seconds Time from request head to response end, by app.\n"
        out += "# TYPE slipway_router_request_duration_seconds histogram\n"
        for app in names {
            let histogram = apps[app]!.latency
            let label = "app=\"\(escape(app))\""
            for (index, bound) in LatencyHistogram.upperBounds.enumerated() {
                let cumulative = histogram.cumulativeCount(throughBucket: index)
                out += "slipway_router_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "slipway_router_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.count)\n"
            out += "slipway_router_request_duration_seconds_sum{\(label)} \(histogram.sum)\n"
            out += "slipway_router_request_duration_seconds_count{\(label)} \(histogram.count)\n"
        }

        out += "# HELP slipway_router_in_flight_requests Requests and WebSocket tunnels in flight, by app.\n"
        out += "# TYPE slipway_router_in_flight_requests gauge\n"
        for app in names {
            out += "slipway_router_in_flight_requests{app=\"\(escape(app))\"} \(apps[app]!.inFlight)\n"
        }

        out += "# HELP slipway_router_unrouted_requests_total Requests for a host no app is registered under.\n"
        out += "# TYPE slipway_router_unrouted_requests_total counter\n"
        out += "slipway_router_unrouted_requests_total \(unroutedRequests)\n"
        return out
    }

    private func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// The counters of one event loop: plain stored properties, touched only on that loop, so the hot
/// path takes no lock and shares no cache line with another core.
///
/// Everything known about an app sits in one entry, so a request costs one hash lookup when it
/// starts and one when it ends.
struct LoopMetrics {
    struct AppTally {
        var statusCounts: [UInt64] = [0, 0, 0, 0, 0]
        var latency = LatencyHistogram()
        var inFlight = 0
    }

    private var apps: [String: AppTally] = [:]
    private(set) var unrouted: UInt64 = 0

    mutating func started(app: String) {
        apps[app, default: AppTally()].inFlight += 1
    }

    /// A request (or tunnel) of `app` is over; `status` is nil when no response was sent.
    mutating func finished(app: String, status: Int?, nanoseconds: Int64) {
        Self.finish(&apps[app, default: AppTally()], status: status, nanoseconds: nanoseconds)
    }

    /// A response not counted in flight (the router's 503 for an app without backends, a 101).
    mutating func record(app: String, status: Int, nanoseconds: Int64) {
        Self.count(&apps[app, default: AppTally()], status: status, nanoseconds: nanoseconds)
    }

    mutating func recordUnrouted() { unrouted += 1 }

    func inFlight(app: String) -> Int { apps[app]?.inFlight ?? 0 }

    var totalInFlight: Int { apps.values.reduce(0) { $0 + $1.inFlight } }

    private static func finish(_ tally: inout AppTally, status: Int?, nanoseconds: Int64) {
        if tally.inFlight > 0 { tally.inFlight -= 1 }
        if let status { count(&tally, status: status, nanoseconds: nanoseconds) }
    }

    private static func count(_ tally: inout AppTally, status: Int, nanoseconds: Int64) {
        tally.statusCounts[StatusClass(code: status).index] += 1
        tally.latency.observe(nanoseconds: nanoseconds)
    }

    func snapshot() -> RouterMetricsSnapshot {
        var snapshot = RouterMetricsSnapshot()
        snapshot.unroutedRequests = unrouted
        for (app, tally) in apps {
            var metrics = AppMetrics()
            for statusClass in StatusClass.allCases where tally.statusCounts[statusClass.index] > 0 {
                metrics.requests[statusClass] = tally.statusCounts[statusClass.index]
            }
            metrics.latency = tally.latency
            metrics.inFlight = tally.inFlight
            snapshot.apps[app] = metrics
        }
        return snapshot
    }
}
