import Foundation
import TestRunner

/// A remote test worker as `GET /api/v1/workers` and `slipway workers` show it.
public struct WorkerResource: Codable, Sendable, Equatable {
    /// One leased slot: the test run, the slot's index in it, the batch it runs (if any) and its files.
    public struct Work: Codable, Sendable, Equatable {
        public var testRun: String
        public var slot: Int
        public var batch: Int?
        public var files: Int
        /// Its test-setup has finished.
        public var ready: Bool

        enum CodingKeys: String, CodingKey {
            case slot, batch, files, ready
            case testRun = "test_run"
        }
    }

    public var name: String
    public var slots: Int
    /// `idle`, `busy`, `draining` or `lost` (no heartbeat for two intervals).
    public var state: String
    public var lastHeartbeat: Date
    /// How often the worker must heartbeat (`serve --worker-heartbeat`).
    public var heartbeatSeconds: Double
    public var work: [Work]

    enum CodingKeys: String, CodingKey {
        case name, slots, state, work
        case lastHeartbeat = "last_heartbeat", heartbeatSeconds = "heartbeat_seconds"
    }

    init(_ view: WorkerView, heartbeat: Duration) {
        heartbeatSeconds = Double(heartbeat.components.seconds) + Double(heartbeat.components.attoseconds) / 1e18
        name = view.name
        slots = view.slots
        state = view.state.rawValue
        lastHeartbeat = view.lastHeartbeat
        work = view.work.map { Work(testRun: $0.run, slot: $0.slot, batch: $0.batch, files: $0.files, ready: $0.ready) }
    }
}

/// The answer to a lease long poll: a slot (`granted`), or none this time.
public struct LeaseGrant: Codable, Sendable, Equatable {
    public var granted: Bool
    public var slot: LeasedSlot?
}
