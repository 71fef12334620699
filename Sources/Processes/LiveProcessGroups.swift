#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Every process group this process currently owns, so an interrupt can end them all synchronously
/// even when the tasks that own them cannot run any more.
public final class LiveProcessGroups: Sendable {
    public static let shared = LiveProcessGroups()
    private let ids = Mutex(Set<pid_t>())

    public func insert(_ id: pid_t) { ids.withLock { _ = $0.insert(id) } }
    public func remove(_ id: pid_t) { ids.withLock { _ = $0.remove(id) } }
    public var all: Set<pid_t> { ids.withLock { $0 } }

    /// SIGKILLs every live group; the last resort of a second Ctrl-C.
    public func killAll() {
        for id in all { killpg(id, SIGKILL) }
    }
}
