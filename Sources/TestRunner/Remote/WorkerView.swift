import Foundation

/// A worker as `GET /workers` shows it.
public struct WorkerView: Sendable, Equatable {
    public enum State: String, Sendable { case idle, busy, draining, lost }

    /// One leased slot: the run, its slot index, the batch running (if any) and its file count.
    public struct Work: Sendable, Equatable {
        public var run: String
        public var slot: Int
        public var batch: Int?
        public var files: Int
        /// Its `test-setup` has finished.
        public var ready: Bool
    }

    public var name: String
    public var slots: Int
    public var state: State
    public var lastHeartbeat: Date
    public var work: [Work]
}
