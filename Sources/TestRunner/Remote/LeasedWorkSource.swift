import Foundation
import Synchronization

/// The service's side of one leased slot, as `slipway worker` reaches it (over HTTP, in SlipwayCLI). A call on a
/// lease that ended throws; the slot then stops.
public protocol LeaseTransport: Sendable {
    func reportSetup(_ report: SetupReport, lease: String) async throws
    /// One long poll for the next batch (`wait` answers mean: ask again).
    func nextBatch(lease: String) async throws -> NextBatch
    func reportBatch(_ report: BatchReport, sequence: Int, lease: String) async throws
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
    /// Told, for each reported batch, how long after its answer arrived its test process was started.
    private let batchStarted: @Sendable (LeasedBatchStart) -> Void

    init(lease: String, transport: any LeaseTransport, batchStarted: @escaping @Sendable (LeasedBatchStart) -> Void) {
        self.lease = lease
        self.transport = transport
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
        do {
            try await transport.reportSetup(SetupReport(succeeded: true, seconds: seconds), lease: lease)
        } catch {
            lost.withLock { $0 = true }
        }
    }

    func next() async -> WorkItem? {
        while !wasLost && !Task.isCancelled {
            do {
                let answer = try await transport.nextBatch(lease: lease)
                switch answer.state {
                case .batch:
                    guard let batch = answer.batch else { continue }
                    received.withLock { $0 = .now }
                    sequence.withLock { $0 = batch.sequence }
                    return batch.item
                case .wait:
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
        do {
            try await transport.reportBatch(BatchReport(outcome), sequence: sequence, lease: lease)
            return true
        } catch {
            lost.withLock { $0 = true }
            return false
        }
    }

    func isStopping() async -> Bool { false }
}
