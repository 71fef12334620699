/// Up-front assignments of files to workers.
public enum ShardPlanner {
    /// Longest-processing-time-first: files sorted by estimate (longest first, then by path) each go to the
    /// worker with the least estimated load so far (lowest index on ties). Deterministic for equal inputs.
    ///
    /// This is within 4/3 of the optimal makespan in theory and usually within a few percent in practice.
    public static func balanced(files: [String], estimates: [String: Double], workers: Int) -> [[String]] {
        precondition(workers >= 1)
        var shards = Array(repeating: [String](), count: workers)
        var loads = Array(repeating: 0.0, count: workers)
        for file in longestFirst(files, estimates: estimates) {
            var target = 0
            for index in 1..<workers where loads[index] < loads[target] { target = index }
            shards[target].append(file)
            loads[target] += estimates[file] ?? 1
        }
        return shards
    }

    /// Count-based round-robin over the sorted files: file `i` goes to worker `i % workers`.
    /// This is what a suite splitting itself on `CI_NODE_INDEX` typically does; kept for comparison.
    public static func roundRobin(files: [String], workers: Int) -> [[String]] {
        precondition(workers >= 1)
        var shards = Array(repeating: [String](), count: workers)
        for (offset, file) in files.sorted().enumerated() { shards[offset % workers].append(file) }
        return shards
    }

    /// Files ordered longest estimate first; ties by path so plans are reproducible.
    public static func longestFirst(_ files: [String], estimates: [String: Double]) -> [String] {
        files.sorted { lhs, rhs in
            let left = estimates[lhs] ?? 1
            let right = estimates[rhs] ?? 1
            return left != right ? left > right : lhs < rhs
        }
    }

    /// The estimated makespan of a plan: its most loaded worker.
    public static func makespan(of shards: [[String]], estimates: [String: Double]) -> Double {
        shards.map { $0.reduce(0) { $0 + (estimates[$1] ?? 1) } }.max() ?? 0
    }

    /// The lower bound no split can beat: `max(total / workers, longest file)`.
    public static func lowerBound(durations: [Double], workers: Int) -> Double {
        max(durations.reduce(0, +) / Double(max(workers, 1)), durations.max() ?? 0)
    }
}
