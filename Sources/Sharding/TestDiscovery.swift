/// Finds the test files of a suite: the paths matched by the `slipway.tests.files` globs.
///
/// Patterns starting with `!` exclude what earlier patterns matched (`["tests/**/*.py", "!tests/slow/**"]`).
/// Discovery is pure: the caller lists the tree (relative paths, `/`-separated) and passes it in.
public struct TestDiscovery: Sendable {
    public let include: [Glob]
    public let exclude: [Glob]

    public init(patterns: [String]) throws(GlobError) {
        var include: [Glob] = []
        var exclude: [Glob] = []
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                exclude.append(try Glob(String(pattern.dropFirst())))
            } else {
                include.append(try Glob(pattern))
            }
        }
        self.include = include
        self.exclude = exclude
    }

    /// The matching paths, sorted and without duplicates.
    public func files(in paths: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for path in paths where !seen.contains(path) {
            guard include.contains(where: { $0.matches(path) }) else { continue }
            guard !exclude.contains(where: { $0.matches(path) }) else { continue }
            seen.insert(path)
            result.append(path)
        }
        return result.sorted()
    }
}
