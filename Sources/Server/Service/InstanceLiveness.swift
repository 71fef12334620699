import Foundation

/// When another instance counts as dead: no heartbeat for `silentIntervals` heartbeat intervals.
public struct InstanceLiveness: Sendable {
    /// Five intervals: a heartbeat delayed by a loaded machine (or a slow transaction) does not get a live instance's
    /// runs adopted, and a killed one's runs move within 5 × 2 s by default.
    public static let silentIntervals = 5

    public var heartbeat: Duration

    public init(heartbeat: Duration) {
        self.heartbeat = heartbeat
    }

    /// Heartbeats before this date are too old: their instance is taken for dead.
    public func silentSince(_ now: Date) -> Date {
        let interval = Double(heartbeat.components.seconds) + Double(heartbeat.components.attoseconds) / 1e18
        return now.addingTimeInterval(-interval * Double(Self.silentIntervals))
    }
}
