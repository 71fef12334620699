import Foundation

/// Writes a generated app: `tests/tNNN.sh` files that sleep their duration, a runner that prints TAP and,
/// called without files (an `env` split), takes every `CI_NODE_TOTAL`-th file from `CI_NODE_INDEX`:
/// count-based round-robin, what suites splitting themselves typically do.
///
/// Like real test files, a file holds test cases: about one per 50 ms of its duration, times a log-normal
/// noise (σ = 0.5), so size tells something about duration, not everything. With `uniformSize` every file
/// is padded to the same size: a cold queue then has no signal at all.
enum BenchSuite {
    static func write(durations: [Double], workers: Int, uniformSize: Bool, to directory: URL) throws -> [String] {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory.appendingPathComponent("tests"), withIntermediateDirectories: true)
        var names: [String] = []
        var generator = SplitMix64(seed: 1234)
        let bodies = durations.map { seconds -> String in
            let u1 = Double(generator.next() >> 11 | 1) / Double(1 << 53)
            let u2 = Double(generator.next() >> 11) / Double(1 << 53)
            let noise = exp(0.5 * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            let cases = max(1, Int((seconds / 0.05 * noise).rounded()))
            return (1...cases).map { "test_case_\($0)() { :; }\n" }.joined() + "sleep \(seconds)\n"
        }
        let widest = bodies.map(\.utf8.count).max() ?? 0
        for (index, body) in bodies.enumerated() {
            let name = String(format: "tests/t%03d.sh", index)
            let text = uniformSize
                ? "sleep \(durations[index])\n" + String(repeating: "#", count: widest) + "\n"
                : body
            try text.write(to: directory.appendingPathComponent(name), atomically: false, encoding: .utf8)
            names.append(name)
        }
        let runner = """
        if [ $# -eq 0 ]; then
          set -- $(ls tests/*.sh | awk -v n="$CI_NODE_TOTAL" -v i="$CI_NODE_INDEX" '(NR - 1) % n == i')
        fi
        n=0; status=0
        for f in "$@"; do
          n=$((n + 1))
          if sh "$f"; then echo "ok $n - $f"; else echo "not ok $n - $f"; status=1; fi
        done
        echo "1..$n"
        exit $status
        """
        try runner.write(to: directory.appendingPathComponent("run-tests.sh"), atomically: false, encoding: .utf8)
        let appJSON = """
        {"name": "bench", "environments": {"test": {"scripts": {"test": "sh run-tests.sh {files}"},
         "formation": {"test": {"quantity": \(workers)}}}},
         "slipway": {"tests": {"files": ["tests/*.sh"]}}}
        """
        try appJSON.write(to: directory.appendingPathComponent("app.json"), atomically: false, encoding: .utf8)
        return names
    }

    /// A tree of `count` small files in 50 directories (about 2 KB each), for the start-cost measurement.
    static func writeTree(count: Int, to directory: URL) throws {
        var generator = SplitMix64(seed: 7)
        for index in 0..<count {
            let folder = directory.appendingPathComponent("pkg\(index % 50)/sub\(index % 7)")
            if index < 350 { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            let size = 100 + Int(generator.next() % 3900)
            try Data(repeating: UInt8(ascii: "x"), count: size)
                .write(to: folder.appendingPathComponent("file\(index).py"))
        }
        let appJSON = #"{"name": "tree", "environments": {"test": {"scripts": {"test-setup": "true", "test": "true"}}}}"#
        try appJSON.write(to: directory.appendingPathComponent("app.json"), atomically: false, encoding: .utf8)
    }
}
