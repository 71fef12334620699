import Foundation
import Processes
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One line of an app's log: when it was written, by which dyno (or `slipway`), and the text.
public struct LogLine: Sendable, Equatable, Codable {
    public var time: Date
    public var source: String
    public var text: String

    /// `2026-11-26T19:20:01.123Z web.1: listening on 5001`, the form `slipway logs` prints.
    public var formatted: String {
        "\(time.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))) \(source): \(text)"
    }
}

/// An app's recent log lines in memory (a ring buffer) and in a file, fed by its dynos.
///
/// Each dyno's output arrives through a pipe; a thread per pipe cuts it into lines, stamps them with
/// the time and the dyno's name, appends them to the file and keeps the last `capacity` in memory for
/// `logs --tail`. Every line is masked (`SecretMasker`) before it is kept, written or followed, so the app's
/// config var values never reach `logs/app.log`, `slipway logs` or the dashboard.
public final class AppLog: Sendable {
    public let path: String
    private let capacity: Int
    private let state: Mutex<State>

    private struct State {
        var lines: [LogLine] = []
        var next = 0
        var subscribers: [UUID: AsyncStream<LogLine>.Continuation] = [:]
        var masker = SecretMasker.none
    }

    public init(path: String, capacity: Int = 1_000) {
        self.path = path
        self.capacity = capacity
        self.state = Mutex(State())
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }

    /// The most recent lines, oldest first.
    public func recent(_ count: Int = .max) -> [LogLine] {
        state.withLock { state in
            let ordered = state.lines.count < capacity
                ? state.lines
                : Array(state.lines[state.next...] + state.lines[..<state.next])
            return Array(ordered.suffix(count))
        }
    }

    /// Every line appended from now on, until the stream is dropped.
    public func follow() -> AsyncStream<LogLine> {
        let (stream, continuation) = AsyncStream<LogLine>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
        let id = UUID()
        state.withLock { $0.subscribers[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Masks `values` in every line appended from now on (the values of each release's config vars; values of
    /// earlier releases stay masked, as their dynos may still be draining).
    public func addSecrets(_ values: some Sequence<String>) {
        let values = Array(values)
        state.withLock { $0.masker.add(values) }
    }

    /// The masker lines pass through: for other output of the app's processes (release phase, one-off tasks).
    public var masker: SecretMasker {
        state.withLock { $0.masker }
    }

    public func append(source: String, text: String) {
        let (line, subscribers) = state.withLock { state -> (LogLine, [AsyncStream<LogLine>.Continuation]) in
            let line = LogLine(time: Date(), source: source, text: state.masker.apply(text))
            if state.lines.count < capacity {
                state.lines.append(line)
            } else {
                state.lines[state.next] = line
                state.next = (state.next + 1) % capacity
            }
            return (line, Array(state.subscribers.values))
        }
        if let handle = FileHandle(forWritingAtPath: path) {
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data((line.formatted + "\n").utf8))
            try? handle.close()
        }
        for subscriber in subscribers { subscriber.yield(line) }
    }

    /// Reads `descriptor` (the read end of a dyno's output pipe) on a thread of its own until end of
    /// file, appending each line under `source`; closes the descriptor at the end.
    public func collect(from descriptor: Int32, source: String) {
        let thread = Thread { [self] in
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                pending.append(contentsOf: buffer[0..<count])
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    append(source: source, text: String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { append(source: source, text: String(decoding: pending, as: UTF8.self)) }
            close(descriptor)
        }
        thread.stackSize = 128 * 1024
        thread.start()
    }
}
