/// Polls `check` every `interval` (100 ms) until it is true (a thrown error counts as false) or `limit` passes; returns
/// whether it became true.
public func eventually(within limit: Duration = .seconds(30), every interval: Duration = .milliseconds(100),
                       _ check: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? await check()) == true { return true }
        try await Task.sleep(for: interval)
    }
    return false
}
