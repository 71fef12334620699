import Foundation
import SlipwayModel
@testable import Store
import Testing

/// The per-pipeline lock across instances (PostgreSQL's advisory lock, through two stores as two `serve` would
/// hold): a second holder of the same pipeline waits until the first is done, another pipeline does not wait, and a
/// waiter can be cancelled. SQLite's is only the body.
@Suite struct PipelineLockTests {
    @Test func aSecondInstanceWaitsForTheSamePipelineOnly() async throws {
        try await withStoreLocation(.postgres) { location in
            let first = try await location.open()
            let second = try await location.open()
            let (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
            let holding = Task {
                try await first.withPipelineLock(name("shop")) {
                    enteredSignal.yield()
                    try await Task.sleep(for: .milliseconds(600))
                    return ContinuousClock.now
                }
            }
            for await _ in entered { break }
            let asked = ContinuousClock.now
            // Another pipeline is free at once.
            let other = try await second.withPipelineLock(name("blog")) { ContinuousClock.now }
            #expect(other - asked < .milliseconds(500))
            // The same pipeline: only after the first holder let go.
            let entry = try await second.withPipelineLock(name("shop")) { ContinuousClock.now }
            let released = try await holding.value
            #expect(entry >= released, "the second instance entered while the first held the lock")

            // A waiter is cancellable, and a cancelled wait leaves the lock free for the next one.
            let blocker = Task { try await first.withPipelineLock(name("shop")) { try await Task.sleep(for: .seconds(30)) } }
            try await Task.sleep(for: .milliseconds(200))
            let waiter = Task { try await second.withPipelineLock(name("shop")) { true } }
            try await Task.sleep(for: .milliseconds(200))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { _ = try await waiter.value }
            blocker.cancel()
            _ = try? await blocker.value
            let free = try await second.withPipelineLock(name("shop")) { true }
            #expect(free)
            try await second.close()
            try await first.close()
        }
    }

    @Test func sqliteRunsTheBody() async throws {
        try await withStore(.sqlite) { store in
            let answer = try await store.withPipelineLock(name("shop")) { 42 }
            #expect(answer == 42)
        }
    }
}
