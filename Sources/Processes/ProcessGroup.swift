import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One OS process group that owns every process a unit of work (a test worker) starts.
///
/// The group is led by a small keeper process that lives until `terminate`, so the group id stays reserved for
/// the group's whole life and `killpg` can never reach an unrelated process that happens to reuse the number.
/// The keeper waits on a pipe only this process holds open: if Slipway dies without cleaning up (a crash,
/// SIGKILL), the keeper reads end-of-file and SIGKILLs its whole group, so even then nothing is left behind.
///
/// Every command runs inside the group, so background processes a command leaves behind (a test server
/// started by `test-setup`) survive into later commands, like on one Heroku dyno, and die with the group.
/// Processes that call `setsid` leave the group; nothing short of a PID namespace can hold those.
public final class ProcessGroup: Sendable {
    /// The process group id (the keeper's pid).
    public let id: pid_t
    /// How long `terminate` waits after SIGTERM before SIGKILL.
    public let terminationGrace: Duration
    private let state: Mutex<State>

    private struct State {
        var terminated = false
        /// The write end of the keeper's lifeline; closing it makes the keeper kill the group.
        var lifeline: Int32
        /// The one termination in progress or done; every `terminate()` caller awaits it.
        var termination: Task<Void, Never>?
    }

    /// Starts the keeper and with it a new, empty process group.
    public init(terminationGrace: Duration = .seconds(2)) throws(ProcessError) {
        var ends: [Int32] = [-1, -1]
        guard GNUSpawnExtensions.closeOnExecPipe(&ends) == 0 else {
            throw ProcessError("cannot create a pipe for a worker's process group: \(String(cString: strerror(errno)))")
        }
        // `read` returns only at end-of-file, when the last holder of the write end (Slipway) is gone.
        let keeper = ProcessSpec(executable: "/bin/sh", arguments: ["-c", "read _ ; kill -KILL 0"],
                                 environment: [:], workingDirectory: "/")
        do {
            id = try Spawn.start(keeper, processGroup: 0, standardInput: ends[0])
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[0])
        state = Mutex(State(lifeline: ends[1]))
        self.terminationGrace = terminationGrace
        LiveProcessGroups.shared.insert(id)
    }

    deinit {
        let (terminated, lifeline) = state.withLock { ($0.terminated, $0.lifeline) }
        if lifeline >= 0 { close(lifeline) }
        if !terminated {
            killpg(id, SIGKILL)
            var status: Int32 = 0
            waitpid(id, &status, 0)
            LiveProcessGroups.shared.remove(id)
        }
    }

    /// Runs one command inside the group and waits for it to exit, without blocking Swift's cooperative pool.
    ///
    /// Cancelling the calling task terminates the whole group (SIGTERM, then SIGKILL after the grace period);
    /// the call then returns the command's termination as usual.
    public func run(_ spec: ProcessSpec) async throws(ProcessError) -> Termination {
        if state.withLock(\.terminated) { throw ProcessError("worker process group \(id) was already terminated") }
        let pid = try Spawn.start(spec, processGroup: id)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Termination, Never>) in
                let waiter = Thread {
                    continuation.resume(returning: ProcessGroup.waitForExit(of: pid))
                }
                waiter.stackSize = 64 * 1024
                waiter.start()
            }
        } onCancel: {
            self.terminateInBackground()
        }
    }

    /// Sends a signal to every process in the group.
    public func signal(_ signal: Int32) {
        if !state.withLock(\.terminated) { killpg(id, signal) }
    }

    /// The pids currently in the group (from `/proc`), keeper included; for diagnostics and tests.
    public func members() -> [pid_t] { ProcessTable.members(ofGroup: id) }

    /// Ends every process in the group: SIGTERM, up to `terminationGrace` for them to exit, then SIGKILL.
    /// Idempotent; every caller returns only once the group is empty.
    public func terminate() async {
        let task = state.withLock { state in
            if let existing = state.termination { return existing }
            state.terminated = true
            let id = id
            let grace = terminationGrace
            let lifeline = state.lifeline
            state.lifeline = -1
            let task = Task.detached {
                await ProcessGroup.end(group: id, grace: grace)
                close(lifeline)
            }
            state.termination = task
            return task
        }
        await task.value
    }

    private static func end(group id: pid_t, grace: Duration) async {
        killpg(id, SIGTERM)
        var status: Int32 = 0
        waitpid(id, &status, 0)  // the keeper (a shell in `read`) dies at once on SIGTERM
        let deadline = ContinuousClock.now + grace
        while hasLiveMembers(id) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if hasLiveMembers(id) { killpg(id, SIGKILL) }
        // SIGKILL cannot be refused; wait for the kernel to finish the exits so callers see an empty group.
        let killDeadline = ContinuousClock.now + .seconds(5)
        while hasLiveMembers(id) && ContinuousClock.now < killDeadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        LiveProcessGroups.shared.remove(id)
    }

    /// Zombies count for `kill(-id, 0)` but are already gone for every purpose here; `/proc` tells them apart.
    private static func hasLiveMembers(_ id: pid_t) -> Bool {
        kill(-id, 0) == 0 && !ProcessTable.members(ofGroup: id).isEmpty
    }

    /// `terminate()` for contexts that cannot await (a cancellation handler).
    public func terminateInBackground() {
        let group = self
        Task.detached { await group.terminate() }
    }

    /// Blocks the calling (dedicated) thread until `pid` exits, and reaps it.
    private static func waitForExit(of pid: pid_t) -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return .exited(127) }
        }
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(status & 0x7f)
    }
}
