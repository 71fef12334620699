import Foundation

/// A serial executor that runs its jobs on one dedicated thread.
///
/// Each `Repository` actor runs on its own `ThreadExecutor`, so a long libgit2 call (a fetch, a large
/// merge) blocks that thread only and never starves Swift's shared cooperative pool, and every libgit2
/// call for one handle happens on the same OS thread (libgit2 keeps its last error per thread).
///
/// `@unchecked Sendable`: the job queue and the stop flag are only touched while holding `condition`'s lock.
final class ThreadExecutor: SerialExecutor, @unchecked Sendable {  // safe: state only under the condition's lock
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread finish the queued jobs and exit.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping {
                condition.wait()
            }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch {
                job.runSynchronously(on: asUnownedSerialExecutor())
            }
        }
    }
}
