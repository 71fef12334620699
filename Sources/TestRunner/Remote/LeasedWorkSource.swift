import Foundation
import Synchronization

/// The service's side of one leased slot, as `slipway worker` reaches it (over HTTP, in SlipwayCLI). A call on a
/// lease that ended throws; the slot then stops.
public protocol LeaseTransport: Sendable {
    func reportSetup(_ report: SetupReport, lease: String) async throws
    /// One long poll for the next batch (`wait` answers mean: ask again).
    func nextBatch(lease: String) async throws -> NextBatch
    /// Reports a batch; returns the slot's next batch when the answer carries it (one call per batch instead of
    /// two), nil when it does not (a service older than that answers 204 with no body).
    func reportBatch(_ report: BatchReport, sequence: Int, lease: String) async throws -> NextBatch?
    /// Hands the lease back: its batch in flight goes back to the run.
    func release(lease: String) async
}

/// A remote slot's work source: the lease's batches, reported back through the transport.
final class LeasedWorkSource: WorkSource {
    let lease: String
    let transport: any LeaseTransport
    /// The sequence number of the batch handed out last.
    private let sequence = Mutex(0)
    /// Set when the lease is lost (a call failed): the slot stops.
    private let lost = Mutex(false)
    /// When the answer carrying the batch handed out last arrived.
    private let received = Mutex<ContinuousClock.Instant?>(nil)
    /// The next batch as the last report's answer carried it, and when that answer arrived; taken by `next()`.
    private let carried = Mutex<(answer: NextBatch, arrived: ContinuousClock.Instant)?>(nil)
    /// Told, for each reported batch, how long after its answer arrived its test process was started.
    private let batchStarted: @Sendable (LeasedBatchStart) -> Void
    /// Where the slot's steps are timed.
    let timeline: LeasedSlotTimeline?

    init(lease: String, transport: any LeaseTransport, timeline: LeasedSlotTimeline? = nil,
         batchStarted: @escaping @Sendable (LeasedBatchStart) -> Void) {
        self.lease = lease
        self.transport = transport
        self.timeline = timeline
        self.batchStarted = batchStarted
    }

    var wasLost: Bool { lost.withLock { $0 } }

    func setupFailed(_ error: TestRunError) async {
        do {
            try await transport.reportSetup(SetupReport(succeeded: false, seconds: 0, message: error.message,
                                                        outputTail: error.outputTail), lease: lease)
        } catch {
            lost.withLock { $0 = true }
        }
    }

    func ready(seconds: Double) async {
        timeline?.ready()
        do {
            try await transport.reportSetup(SetupReport(succeeded: true, seconds: seconds), lease: lease)
        } catch {
            lost.withLock { $0 = true }
        }
    }

    func next() async -> WorkItem? {
        let asked = LeasedSlotTimeline.now
        // A stopping worker starts nothing more, not even a batch the last report's answer carried.
        if !Task.isCancelled, let (answer, arrived) = carried.withLock({ carried in defer { carried = nil }; return carried }) {
            switch answer.state {
            case .batch:
                if let batch = answer.batch { return take(batch, arrived: arrived, asked: asked, waited: 0) }
            case .done:
                return nil
            case .wait:
                break
            }
        }
        var waited = 0.0
        while !wasLost && !Task.isCancelled {
            do {
                let polled = ContinuousClock.now
                let answer = try await transport.nextBatch(lease: lease)
                switch answer.state {
                case .batch:
                    guard let batch = answer.batch else { continue }
                    return take(batch, arrived: .now, asked: asked, waited: waited)
                case .wait:
                    waited += (ContinuousClock.now - polled).seconds
                    continue
                case .done:
                    return nil
                }
            } catch {
                lost.withLock { $0 = true }
            }
        }
        if Task.isCancelled && !wasLost { await transport.release(lease: lease) }
        return nil
    }

    private func take(_ batch: LeasedBatch, arrived: ContinuousClock.Instant, asked: Double, waited: Double) -> WorkItem {
        received.withLock { $0 = arrived }
        timeline?.received(asked: asked, waited: waited)
        sequence.withLock { $0 = batch.sequence }
        return batch.item
    }

    /// A batch that could not start here may start elsewhere: the lease goes back.
    func batchFailed(_ item: WorkItem, error: TestRunError) async {
        await transport.release(lease: lease)
    }

    func complete(_ item: WorkItem, outcome: BatchRunner.Outcome, startOffset: Double) async -> Bool {
        if outcome.interrupted {
            // This worker is stopping: its batch runs again elsewhere.
            await transport.release(lease: lease)
            return false
        }
        let sequence = sequence.withLock { $0 }
        if let received = received.withLock({ $0 }) {
            batchStarted(LeasedBatchStart(sequence: sequence, files: item.files.count,
                                          seconds: (outcome.started - received).seconds))
        }
        timeline?.ran(started: outcome.started, wallSeconds: outcome.wallSeconds)
        do {
            let next = try await transport.reportBatch(BatchReport(outcome), sequence: sequence, lease: lease)
            let arrived = ContinuousClock.now
            timeline?.reported()
            carried.withLock { $0 = next.map { ($0, arrived) } }
            return true
        } catch {
            lost.withLock { $0 = true }
            return false
        }
    }

    func isStopping() async -> Bool { false }
}
