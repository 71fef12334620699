/// Recorded per-file durations from earlier runs (the `.slipway/timings.json` file), and the estimates drawn from them.
///
/// Each file keeps its last few durations and is estimated by their median, so one slow outlier
/// (a cold cache, a noisy neighbour) does not reorder the next run.
public struct TimingHistory: Codable, Sendable, Equatable {
    public static let currentVersion = 1
    /// How many recent durations are kept per file.
    public static let samplesKept = 5

    public var version: Int
    /// Recent durations in seconds per file path, oldest first.
    public var files: [String: [Double]]

    public init(files: [String: [Double]] = [:]) {
        self.version = TimingHistory.currentVersion
        self.files = files
    }

    /// The reserved entry holding the measured start-up cost of one batch (seconds a batch's command spends
    /// outside its reported tests: interpreter start, imports, collection). A leading `/` keeps it apart from
    /// every test file, whose paths are relative; stored as a path in `file_timings` too, so the service's
    /// store keeps it without a schema change.
    public static let batchStartupKey = "/slipway:batch-startup"

    /// True when no test file has a recorded duration.
    public var isEmpty: Bool {
        files.allSatisfy { $0.key == Self.batchStartupKey || $0.value.isEmpty }
    }

    /// The median recorded start-up cost of one batch, when a run has measured it.
    public var batchStartup: Double? { recordedEstimate(for: Self.batchStartupKey) }

    /// The recorded estimate for one file, when it has history.
    public func recordedEstimate(for path: String) -> Double? {
        guard let samples = files[path], !samples.isEmpty else { return nil }
        return Self.median(samples)
    }

    /// Estimated seconds for each file: its median recorded duration; files without history get the median
    /// estimate of the files that have one; with no history at all every file weighs 1.
    public func estimates(for paths: [String]) -> [String: Double] {
        var known: [String: Double] = [:]
        for path in paths {
            if let estimate = recordedEstimate(for: path) { known[path] = estimate }
        }
        let fallback: Double
        if !known.isEmpty {
            fallback = Self.median(Array(known.values))
        } else {
            let everything = files.keys.filter { $0 != Self.batchStartupKey }.compactMap { recordedEstimate(for: $0) }
            fallback = everything.isEmpty ? 1 : Self.median(everything)
        }
        var result: [String: Double] = [:]
        for path in paths { result[path] = known[path] ?? fallback }
        return result
    }

    /// Adds one run's durations; negative or non-finite values are ignored.
    public mutating func record(_ durations: [String: Double]) {
        for (path, seconds) in durations where seconds.isFinite && seconds >= 0 {
            var samples = files[path] ?? []
            samples.append(seconds)
            if samples.count > Self.samplesKept { samples.removeFirst(samples.count - Self.samplesKept) }
            files[path] = samples
        }
    }

    static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty)
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
