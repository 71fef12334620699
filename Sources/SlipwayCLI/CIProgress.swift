import Foundation
import Sharding
import Synchronization
import TestRunner

/// Progress of `slipway ci run` on stderr: on a terminal one live line (files done/total, failures, elapsed,
/// estimated remaining) with failures printed above it; otherwise one plain line per event, for CI logs.
final class CIProgress: TestRunObserver, Sendable {
    private struct State {
        var total = 0
        var done = 0
        var failures = 0
        var started = ContinuousClock.now
        var lineShown = false
        var finished = false
    }

    private let live: Bool
    private let state = Mutex(State())
    /// Redraws the live line every second so elapsed time moves while files run; started with the run.
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    init(live: Bool) {
        self.live = live
    }

    private func startTicker() {
        guard live else { return }
        ticker.withLock { ticker in
            guard ticker == nil else { return }
            ticker = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    self?.redraw()
                }
            }
        }
    }

    func handle(_ event: RunEvent) {
        switch event {
        case let .started(files, workers, split, workspace, estimate):
            state.withLock { $0.total = files; $0.started = .now }
            startTicker()
            let what = files > 0 ? "\(files) files" : "the suite"
            let eta = estimate.map { String(format: ", about %.1f s by history", $0) } ?? ""
            emit("slipway: running \(what) on \(workers) worker\(workers == 1 ? "" : "s") "
                 + "(\(split) split, \(workspace) workspaces\(eta))")
        case let .workerReady(worker, seconds):
            if !live { emit(String(format: "worker %d ready in %.2f s", worker, seconds)) }
        case let .fileFinished(path, worker, attempt, passed, willRetry, seconds):
            state.withLock { state in
                if !willRetry { state.done += 1 }
                if !passed && !willRetry { state.failures += 1 }
            }
            let timing = String(format: "worker %d, %.2f s%@", worker, seconds, attempt > 1 ? ", attempt \(attempt)" : "")
            if !passed {
                emit((willRetry ? "retry " : "FAIL  ") + "\(path) (\(timing))")
            } else if !live {
                emit("ok    \(path) (\(timing))")
            } else {
                redraw()
            }
        case let .stopping(reason):
            emit("slipway: stopping: \(reason)")
        case let .warning(message):
            emit("slipway: warning: \(message)")
        }
    }

    /// Clears the live line; called once the run is over.
    func finish() {
        ticker.withLock { $0?.cancel() }
        let clear = state.withLock { state -> Bool in
            state.finished = true
            defer { state.lineShown = false }
            return state.lineShown
        }
        if clear { writeToStandardError("\r\u{1B}[K") }
    }

    /// Prints a line (above the live line, which is then redrawn).
    private func emit(_ line: String) {
        if live {
            writeToStandardError("\r\u{1B}[K" + line + "\n")
            redraw()
        } else {
            writeToStandardError(line + "\n")
        }
    }

    private func redraw() {
        guard live else { return }
        let line: String? = state.withLock { state in
            guard !state.finished else { return nil }
            state.lineShown = true
            let elapsed = (ContinuousClock.now - state.started).components.seconds
            var parts: [String] = []
            parts.append(state.total > 0 ? "\(state.done)/\(state.total) files" : "\(state.done) files")
            parts.append("\(state.failures) failed")
            parts.append(Self.clock(elapsed) + " elapsed")
            if state.total > 0 && state.done > 0 && state.done < state.total {
                let remaining = Int64(Double(elapsed) * Double(state.total - state.done) / Double(state.done))
                parts.append("~" + Self.clock(remaining) + " left")
            }
            return "\r\u{1B}[K" + parts.joined(separator: " · ")
        }
        if let line { writeToStandardError(line) }
    }

    static func clock(_ seconds: Int64) -> String {
        String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}
