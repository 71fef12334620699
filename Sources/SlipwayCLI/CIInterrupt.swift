import Dispatch
import Foundation
import Processes
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C and SIGTERM during a run: the first cancels the run, which stops every worker's process group
/// (SIGTERM, then SIGKILL) before returning; a second SIGKILLs every group at once and exits 130.
enum CIInterrupt {
    static func cancellingOnSignal<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await operation() }
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let count = SignalCount()
            source.setEventHandler {
                if count.increment() == 1 {
                    writeToStandardError("\nslipway: interrupted; stopping every test process (again to kill at once)\n")
                    task.cancel()
                } else {
                    LiveProcessGroups.shared.killAll()
                    exit(130)
                }
            }
            source.resume()
            return source
        }
        defer {
            for source in signals { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        return await task.value
    }
}

/// Counts deliveries of one signal across the dispatch queue's threads.
private final class SignalCount: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}
