/// Estimates what one batch costs before its first test, from batches that ran.
///
/// A batch's overhead is its wall time minus the test time its reports give. That overhead is a fixed
/// start-up (interpreter, imports, plugins) plus a little per file (collecting it): `a + b × files`. With batches
/// of at least two sizes the start-up is the intercept of a least-squares line through them, so a run of big
/// batches does not read their collection time as start-up (which would make the next run's batches bigger
/// still); with one size only, it is the smallest overhead seen (noise from a busy machine only adds).
public struct StartupEstimator: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var overhead: Double
        public var files: Int
    }

    public private(set) var samples: [Sample] = []

    public init() {}

    /// Adds one batch: its wall seconds, the seconds its reports account for, and its file count.
    public mutating func add(wallSeconds: Double, reportedSeconds: Double, files: Int) {
        let overhead = wallSeconds - reportedSeconds
        guard overhead.isFinite, overhead >= 0, files >= 1 else { return }
        samples.append(Sample(overhead: overhead, files: files))
    }

    /// Seconds of start-up per batch; nil before any batch was measured.
    public var startup: Double? {
        guard let smallest = samples.map(\.overhead).min() else { return nil }
        let sizes = Set(samples.map(\.files))
        guard sizes.count >= 2 else { return smallest }
        let count = Double(samples.count)
        let meanFiles = samples.reduce(0) { $0 + Double($1.files) } / count
        let meanOverhead = samples.reduce(0) { $0 + $1.overhead } / count
        var covariance = 0.0
        var variance = 0.0
        for sample in samples {
            covariance += (Double(sample.files) - meanFiles) * (sample.overhead - meanOverhead)
            variance += (Double(sample.files) - meanFiles) * (Double(sample.files) - meanFiles)
        }
        let perFile = max(0, covariance / variance)
        let intercept = meanOverhead - perFile * meanFiles
        // Never above what a batch was seen to need, never negative.
        return min(max(intercept, 0), smallest)
    }
}
