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

    public var isEmpty: Bool { files.values.allSatisfy(\.isEmpty) }

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
            let everything = files.keys.compactMap { recordedEstimate(for: $0) }
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
