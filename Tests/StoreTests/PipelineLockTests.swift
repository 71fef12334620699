import Foundation
import SlipwayModel
@testable import Store
import Synchronization
import Testing

/// The per-pipeline lock across instances (PostgreSQL's advisory lock, through two stores as two `serve` would
/// hold): a second holder of the same pipeline waits until the first lets go, another pipeline does not wait, and a
/// waiter can be cancelled. SQLite's is only the body. Ordered by events, not timings, so a loaded machine cannot
/// fail it.
@Suite struct PipelineLockTests {
    @Test func aSecondInstanceWaitsForTheSamePipelineOnly() async throws {
        try await withStoreLocation(.postgres) { location in
            let first = try await location.open()
            let second = try await location.open()
            let (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            let released = Flag()
            let holding = Task {
                try await first.withPipelineLock(name("shop")) {
                    enteredSignal.yield()
                    for await _ in release { break }
                    released.set()
                }
            }
            for await _ in entered { break }
            // Another pipeline is free while the first holds "shop" (this would wait forever otherwise).
            let otherWhileHeld = try await second.withPipelineLock(name("blog")) { !released.isSet }
            #expect(otherWhileHeld)
            // The same pipeline: entered only after the first holder let go.
            let waiting = Task { try await second.withPipelineLock(name("shop")) { released.isSet } }
            try await Task.sleep(for: .milliseconds(300))
            releaseSignal.yield()
            try await holding.value
            #expect(try await waiting.value, "the second instance entered while the first held the lock")

            // A waiter is cancellable, and a cancelled wait leaves the lock free for the next one.
            let (blocking, blockingSignal) = AsyncStream.makeStream(of: Void.self)
            let blocker = Task {
                try await first.withPipelineLock(name("shop")) {
                    blockingSignal.yield()
                    try await Task.sleep(for: .seconds(30))
                }
            }
            for await _ in blocking { break }
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

/// A flag set once, read from other tasks.
private final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
