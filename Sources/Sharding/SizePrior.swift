/// Estimates for a suite with no timing history at all: proportional to file size, the proxy CircleCI's
/// `--split-by=filesize` uses. Bigger test files tend to hold more tests; it beats no signal on long-tailed
/// suites, where a long file handed out last sets the finish time.
///
/// Scaled so the median file weighs 1 (the weight of a file without history elsewhere).
public enum SizePrior {
    public static func estimates(sizes: [String: Int]) -> [String: Double] {
        let positive = sizes.values.filter { $0 > 0 }.sorted()
        guard !positive.isEmpty else { return sizes.mapValues { _ in 1 } }
        let median = Double(positive[positive.count / 2])
        return sizes.mapValues { max(Double($0), 1) / median }
    }
}
