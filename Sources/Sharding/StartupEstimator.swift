/// Estimates what one batch costs before its first test, from batches that ran.
///
/// A batch's overhead is its wall time minus the test time its reports give. That overhead is a fixed
/// start-up (interpreter, imports, plugins) plus a little per file (collecting it, about 1 ms per test with
/// pytest): `a + b × files`. When the run had a batch of one or two files and one at least twice its size,
/// the start-up is the intercept of a least-squares line through them, so the collection time of
/// big batches is not read as start-up (which would make the next run's batches bigger still). Otherwise it
/// is the earlier runs' estimate (`prior`), or, on a first run, the smallest overhead seen (noise from a busy
/// machine only adds). Never above the smallest overhead seen, never negative.
public struct StartupEstimator: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var overhead: Double
        public var files: Int
    }

    public private(set) var samples: [Sample] = []
    /// The start-up the timing history recorded, if any.
    public let prior: Double?

    public init(prior: Double? = nil) {
        self.prior = prior
    }

    /// Adds one batch: its wall seconds, the seconds its reports account for, and its file count.
    public mutating func add(wallSeconds: Double, reportedSeconds: Double, files: Int) {
        let overhead = wallSeconds - reportedSeconds
        guard overhead.isFinite, overhead >= 0, files >= 1 else { return }
        samples.append(Sample(overhead: overhead, files: files))
    }

    /// Seconds of start-up per batch; the prior before any batch was measured.
    public var startup: Double? {
        guard let smallest = samples.map(\.overhead).min() else { return prior }
        let sizes = samples.map(\.files)
        // The intercept needs a batch near zero files to pin it: extrapolating from big batches alone turns
        // the noise of a busy machine into seconds of "start-up".
        guard let fewest = sizes.min(), let most = sizes.max(), fewest <= 2, most >= 2 * fewest else {
            return min(prior ?? smallest, smallest)
        }
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
        return min(max(intercept, 0), smallest)
    }
}
