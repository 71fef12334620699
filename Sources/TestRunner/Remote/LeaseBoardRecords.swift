// The lease board's own records: plain values, kept and changed only by `LeaseBoard` (the rows its state would
// have as database tables). Internal rather than private only so they can live in their own file.

import Foundation

struct WorkerRecord {
    var name: String
    var slots: Int
    /// The name of the API token it registered with.
    var token: String
    var lastSeen: (instant: ContinuousClock.Instant, date: Date)
    var draining = false
    var leases: Set<String> = []
}

struct Offer {
    var id: Int
    var slot: LeasedSlot
    var waiter: CheckedContinuation<String?, Never>?
    /// Taken by a worker before the run collected it.
    var lease: String?
}

struct ClaimWaiter {
    var id: Int
    var worker: String
    var continuation: CheckedContinuation<LeasedSlot?, Never>
}

struct SetupWaiter {
    var id: Int
    var continuation: CheckedContinuation<SetupWait, Never>
}

struct BatchWaiter {
    var id: Int
    var continuation: CheckedContinuation<Result<NextBatch, LeaseBoardError>, Never>
}

struct LeaseRecord {
    var id: String
    var worker: String
    var slot: LeasedSlot
    var setup: SetupReport?
    var setupWaiter: SetupWaiter?
    /// The batch handed out last, and its report once made.
    var assignment: LeasedBatch?
    var report: BatchReport?
    var batchWaiter: BatchWaiter?
    var reportWaiter: CheckedContinuation<BatchReport?, Never>?
}
