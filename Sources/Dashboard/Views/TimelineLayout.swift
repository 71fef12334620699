import SlipwayModel
import Store

/// Where each test file of a run sits on the timeline: one row per worker, one bar per file.
///
/// A file starts at its `startOffsetSeconds` (when its batch started). Files of one batch share that offset,
/// so on one worker a bar never starts before the previous bar ended: a batch's files are laid end to end
/// from the batch's start. Files without an offset (runs recorded before offsets existed) follow the
/// worker's previous bar, in path order.
struct TimelineLayout: Equatable {
    struct Bar: Equatable {
        var path: String
        var worker: Int
        var start: Double
        var seconds: Double
        var status: TestFileStatus
        var attempts: Int
        var end: Double { start + seconds }
    }

    struct Row: Equatable {
        var worker: Int
        var bars: [Bar]
        /// Seconds the worker spent in test files (last attempts only).
        var busySeconds: Double { bars.reduce(0) { $0 + $1.seconds } }
    }

    var rows: [Row]
    /// The end of the last bar, in seconds after the run started.
    var span: Double

    init(results: [TestFileResult], workers: Int) {
        let rowCount = max(workers, (results.map(\.worker).max() ?? -1) + 1, 0)
        var byWorker = Array(repeating: [TestFileResult](), count: rowCount)
        for result in results where result.worker >= 0 { byWorker[result.worker].append(result) }
        rows = byWorker.enumerated().map { worker, files in
            Row(worker: worker, bars: Self.place(files, worker: worker))
        }
        span = rows.flatMap(\.bars).map(\.end).max() ?? 0
    }

    private static func place(_ files: [TestFileResult], worker: Int) -> [Bar] {
        let ordered = files.sorted { a, b in
            switch (a.startOffsetSeconds, b.startOffsetSeconds) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.path < b.path
            }
        }
        var bars: [Bar] = []
        var previousEnd = 0.0
        for file in ordered {
            let seconds = file.seconds.isFinite ? max(0, file.seconds) : 0
            let offset = file.startOffsetSeconds.flatMap { $0.isFinite ? max(0, $0) : nil }
            let start = max(offset ?? previousEnd, previousEnd)
            bars.append(Bar(path: file.path, worker: worker, start: start, seconds: seconds,
                            status: file.status, attempts: file.attempts))
            previousEnd = start + seconds
        }
        return bars
    }
}

/// The run's numbers: how long it took against how long it had to take.
struct RunEfficiency: Equatable {
    /// No split can finish sooner than this: the work spread evenly over the workers, or the longest file.
    var lowerBound: Double
    var wall: Double
    /// `lowerBound ÷ wall`: 100 % is a perfect split with no start-up cost.
    var ratio: Double? { wall > 0 ? min(lowerBound / wall, 1) : nil }

    init(results: [TestFileResult], workers: Int, wall: Double) {
        let seconds = results.map(\.seconds).filter { $0.isFinite && $0 >= 0 }
        let total = seconds.reduce(0, +)
        lowerBound = max(total / Double(max(workers, 1)), seconds.max() ?? 0)
        self.wall = wall
    }
}

/// Round numbers for the time axis: at most `maximumTicks` steps of 1, 2 or 5 × 10ⁿ seconds (or minutes).
enum TimelineTicks {
    static let steps: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]

    static func step(for span: Double, maximumTicks: Int = 6) -> Double {
        guard span > 0 else { return 1 }
        return steps.first { span / $0 <= Double(maximumTicks) } ?? (span / Double(maximumTicks)).rounded(.up)
    }

    static func values(for span: Double, maximumTicks: Int = 6) -> [Double] {
        let step = step(for: span, maximumTicks: maximumTicks)
        var ticks: [Double] = []
        var value = 0.0
        while value <= span + step * 1e-9 {
            ticks.append(value)
            value += step
        }
        return ticks
    }
}
