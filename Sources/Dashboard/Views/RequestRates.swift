import EdgeRouter
import Foundation

/// Turns the router's counters (totals since the router started) into rates: every look at an app's page
/// keeps a sample, and the rate is the change since the oldest sample of the last minute. The first look has
/// no rate yet; the page polls while the app runs, so the next one has.
actor RequestRates {
    struct Sample: Sendable {
        var time: Date
        var total: UInt64
        var serverErrors: UInt64
    }

    /// What the app page shows about traffic.
    struct Traffic: Sendable, Equatable {
        var totalRequests: UInt64
        var serverErrors: UInt64
        var inFlight: Int
        var meanLatencySeconds: Double?
        /// Requests per second over `windowSeconds`, nil until two samples exist.
        var requestsPerSecond: Double?
        /// 5xx responses ÷ responses over `windowSeconds`, nil when nothing was answered in it.
        var errorRatio: Double?
        var windowSeconds: Double?
    }

    /// What the router had counted for one app when a page was made.
    struct Counters: Sendable, Equatable {
        var total: UInt64 = 0
        var serverErrors: UInt64 = 0
        var inFlight = 0
        var latencySeconds = 0.0
        var latencyCount: UInt64 = 0

        init(total: UInt64 = 0, serverErrors: UInt64 = 0, inFlight: Int = 0, latencySeconds: Double = 0, latencyCount: UInt64 = 0) {
            self.total = total
            self.serverErrors = serverErrors
            self.inFlight = inFlight
            self.latencySeconds = latencySeconds
            self.latencyCount = latencyCount
        }

        init(_ metrics: AppMetrics?) {
            guard let metrics else { return }
            total = metrics.totalRequests
            serverErrors = metrics.requests[.serverError] ?? 0
            inFlight = metrics.inFlight
            latencySeconds = metrics.latency.sum
            latencyCount = metrics.latency.count
        }
    }

    static let window: TimeInterval = 60
    /// Samples younger than this are not used as the base of a rate (too noisy).
    static let minimumBase: TimeInterval = 1
    static let maximumSamplesPerApp = 64
    static let maximumApps = 1000

    private var samples: [String: [Sample]] = [:]

    func observe(app: String, counters: Counters, now: Date) -> Traffic {
        let current = Sample(time: now, total: counters.total, serverErrors: counters.serverErrors)
        var history = samples[app] ?? []
        // A counter that went down means the router restarted: earlier samples say nothing about now.
        if let last = history.last, last.total > current.total || last.serverErrors > current.serverErrors { history = [] }
        let base = history.first { now.timeIntervalSince($0.time) <= Self.window && now.timeIntervalSince($0.time) >= Self.minimumBase }
        history.append(current)
        history.removeAll { now.timeIntervalSince($0.time) > Self.window }
        if history.count > Self.maximumSamplesPerApp { history.removeFirst(history.count - Self.maximumSamplesPerApp) }
        if samples[app] == nil && samples.count >= Self.maximumApps { samples.removeAll() }
        samples[app] = history

        var traffic = Traffic(
            totalRequests: current.total, serverErrors: current.serverErrors, inFlight: counters.inFlight,
            meanLatencySeconds: counters.latencyCount > 0 ? counters.latencySeconds / Double(counters.latencyCount) : nil)
        if let base {
            let seconds = now.timeIntervalSince(base.time)
            let requests = current.total - base.total
            traffic.windowSeconds = seconds
            traffic.requestsPerSecond = Double(requests) / seconds
            traffic.errorRatio = requests > 0 ? Double(current.serverErrors - base.serverErrors) / Double(requests) : nil
        }
        return traffic
    }
}
