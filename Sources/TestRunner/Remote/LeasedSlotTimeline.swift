import Foundation
import Synchronization

/// When each step of one leased slot happened on this worker, in wall-clock seconds since the Unix epoch (so
/// `ci/bench/workers` can line up the slots of several workers on one machine, or on hosts with synchronised
/// clocks): the lease's answer, the tree, `test-setup`, and per batch its request, its answer, its test process
/// and its report. `slipway worker` prints it when the slot ends (`slot N: timing {…}`).
public final class LeasedSlotTimeline: Sendable {
    public struct Batch: Codable, Sendable, Equatable {
        /// The slot asked for it: test-setup was reported, or the previous batch's report was answered.
        public var asked: Double
        /// Its answer arrived.
        public var received: Double
        /// Seconds of the polls before it that answered `wait` (no work for the slot yet).
        public var waited: Double
        /// Its test process started and ended.
        public var started: Double?
        public var ended: Double?
        /// Its report was sent and answered.
        public var reportSent: Double?
        public var reported: Double?

        enum CodingKeys: String, CodingKey {
            case asked, received, waited, started, ended, reported
            case reportSent = "report_sent"
        }
    }

    public struct Record: Codable, Sendable, Equatable {
        public var run: String
        public var slot: Int
        /// The lease's answer arrived.
        public var leased: Double
        /// The tree was extracted (or found in the cache).
        public var tree: Double?
        /// The slot's workspace factory was made (its sandbox uid and limits), before its workspace.
        public var factory: Double?
        /// Workspace and test-setup done.
        public var ready: Double?
        public var batches: [Batch]
    }

    private let record: Mutex<Record>

    public init(run: String, slot: Int, leased: Double = LeasedSlotTimeline.now) {
        record = Mutex(Record(run: run, slot: slot, leased: leased, batches: []))
    }

    /// Seconds since the Unix epoch.
    public static var now: Double { Date().timeIntervalSince1970 }

    /// A monotonic instant of this process as seconds since the Unix epoch.
    static func epoch(of instant: ContinuousClock.Instant) -> Double {
        now - (ContinuousClock.now - instant).seconds
    }

    public var snapshot: Record { record.withLock { $0 } }

    public func treeReady() { record.withLock { $0.tree = Self.now } }

    func factoryMade() { record.withLock { $0.factory = Self.now } }

    func ready() { record.withLock { $0.ready = Self.now } }

    func received(asked: Double, waited: Double) {
        record.withLock { $0.batches.append(Batch(asked: asked, received: Self.now, waited: waited)) }
    }

    func ran(started: ContinuousClock.Instant, wallSeconds: Double) {
        let start = Self.epoch(of: started)
        record.withLock { record in
            guard !record.batches.isEmpty else { return }
            record.batches[record.batches.count - 1].started = start
            record.batches[record.batches.count - 1].ended = start + wallSeconds
            record.batches[record.batches.count - 1].reportSent = Self.now
        }
    }

    func reported() {
        record.withLock { record in
            guard !record.batches.isEmpty else { return }
            record.batches[record.batches.count - 1].reported = Self.now
        }
    }

    /// The record as one line of JSON (keys sorted).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(snapshot) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
