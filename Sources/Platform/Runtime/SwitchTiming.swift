import Foundation

/// When a deploy's new web dynos passed their health checks, and the log line that says how long after that the
/// router was sending them traffic (the deploy's healthy-to-switched time, which `ci/soak --deploys` measures).
///
/// The line is `v7 switched: web.1, web.2 routed 0.412 ms after the last passed its health check (first 31.250 ms)`:
/// "last" is the deploy's own moment of health (the switch waits for every new web dyno, so that each request sees
/// the old set or the new one, never a mixture); "first" is how long the earliest healthy dyno waited for it.
struct SwitchTiming: Sendable {
    var dynos: [String]
    var firstHealthy: ContinuousClock.Instant
    var lastHealthy: ContinuousClock.Instant

    /// Called right after the router's swap returned (every event loop routes to the new set).
    func switchedLine(release: Int, switched: ContinuousClock.Instant = .now) -> String {
        "v\(release) switched: \(dynos.joined(separator: ", ")) routed \(Self.milliseconds(switched - lastHealthy)) ms "
            + "after the last passed its health check (first \(Self.milliseconds(switched - firstHealthy)) ms)"
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        return String(format: "%.3f", value)
    }
}
