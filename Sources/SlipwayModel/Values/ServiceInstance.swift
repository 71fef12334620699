import Foundation

/// One running `slipway serve` on a shared PostgreSQL database: registered at start under a fresh id, kept alive by
/// its heartbeat. An instance whose heartbeat is old is taken for dead, and its unfinished test runs are adopted by
/// another (see `InstanceStore`).
public struct ServiceInstance: Sendable, Codable, Equatable, Identifiable {
    /// A UUID assigned by the store at registration; test runs name their owner by it.
    public var id: String
    /// What the instance was started as (host and API port), for people reading logs and rows.
    public var name: String
    public var startedAt: Date
    public var heartbeatAt: Date

    public init(id: String, name: String, startedAt: Date, heartbeatAt: Date) {
        self.id = id
        self.name = name
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
    }
}
