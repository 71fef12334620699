/// One deploy, rollback, promotion or scale at a time per app: `AppRuntime` is an actor, but its deploy
/// awaits health checks, so two calls could interleave. Waiters are served in arrival order.
actor AppLocks {
    private var busy: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func withLock<T: Sendable>(_ app: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(app)
        do {
            let result = try await body()
            release(app)
            return result
        } catch {
            release(app)
            throw error
        }
    }

    private func acquire(_ app: String) async {
        guard busy.contains(app) else {
            busy.insert(app)
            return
        }
        await withCheckedContinuation { waiters[app, default: []].append($0) }
    }

    /// Hands the lock to the next waiter, or frees it.
    private func release(_ app: String) {
        if var queue = waiters[app], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[app] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(app)
        }
    }
}
