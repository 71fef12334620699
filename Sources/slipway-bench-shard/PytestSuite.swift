import Foundation

/// Writes a generated pytest suite shaped like a real one (the suite of issue 14: 265 files, about 6,900 tests):
///
/// - `benchlib.py`, which every test file imports, burns `importSeconds` of CPU when imported (the heavy
///   dependencies a real suite imports: a web framework, an ORM, numpy); a test process pays it once;
/// - `count` files `tests/test_NNN.py` with seeded log-normal (σ = 1, long-tailed) CPU durations adding up to
///   `totalSeconds`, each made of about one test per 10 ms (times a log-normal noise), every test burning
///   its share of CPU, and every 40th test skipped;
/// - a few all-skipped files: `allSkippedModules` that skip themselves at import (`pytest.importorskip` of a
///   module that is not installed, the optional-dependency case: pytest exits 5 when that is all it ran), and
///   `allSkippedTests` whose every test is marked skip;
/// - `pytest.ini` (`pythonpath = .`, no cache provider: a run must not reorder the next) and an `app.json`
///   whose test command writes JUnit XML into `SLIPWAY_REPORTS_DIR`.
enum PytestSuite {
    struct Shape {
        var count = 300
        var totalSeconds = 60.0
        var importSeconds = 0.4
        var allSkippedModules = 4
        var allSkippedTests = 2
        var seed: UInt64 = 42
    }

    static func write(_ shape: Shape, python: String, workers: Int, to directory: URL) throws {
        let tests = directory.appendingPathComponent("tests")
        try FileManager.default.createDirectory(at: tests, withIntermediateDirectories: true)
        let durations = SeededDurations.make(count: shape.count, workers: 1, targetSeconds: shape.totalSeconds,
                                             seed: shape.seed)
        var generator = SplitMix64(seed: shape.seed &+ 1)
        let skippedModules = Set((0..<shape.allSkippedModules).map { ($0 * 7 + 3) % shape.count })
        let skippedTests = Set((0..<shape.allSkippedTests).map { ($0 * 11 + 5) % shape.count })
            .subtracting(skippedModules)
        for (index, seconds) in durations.enumerated() {
            let noise = exp(0.5 * normal(&generator))
            let cases = max(1, Int((seconds / 0.01 * noise).rounded()))
            var text = "import pytest\n"
            if skippedModules.contains(index) {
                text += "pytest.importorskip(\"slipway_bench_optional_dependency\")\n"
            }
            text += "from benchlib import burn\n\n"
            let each = seconds / Double(cases)
            for number in 1...cases {
                if skippedTests.contains(index) || number % 40 == 0 {
                    text += "@pytest.mark.skip(reason=\"not on this platform\")\n"
                }
                text += String(format: "def test_case_%03d():\n    burn(%.6f)\n\n", number, each)
            }
            try text.write(to: tests.appendingPathComponent(String(format: "test_%03d.py", index)),
                           atomically: false, encoding: .utf8)
        }
        let library = """
        import time


        def burn(seconds):
            \"\"\"Spends `seconds` of CPU time, as a test computing something would.\"\"\"
            end = time.process_time() + seconds
            while time.process_time() < end:
                pass


        # Importing the suite's heavy dependencies.
        burn(\(shape.importSeconds))

        """
        try library.write(to: directory.appendingPathComponent("benchlib.py"), atomically: false, encoding: .utf8)
        try "[pytest]\npythonpath = .\naddopts = -p no:cacheprovider\n"
            .write(to: directory.appendingPathComponent("pytest.ini"), atomically: false, encoding: .utf8)
        let command = "\(python) -m pytest -q --junitxml=\\\"$SLIPWAY_REPORTS_DIR/junit.xml\\\" {files}"
        let appJSON = """
        {"name": "pytest-bench", "environments": {"test": {"scripts": {"test": "\(command)"},
         "formation": {"test": {"quantity": \(workers)}}}},
         "slipway": {"tests": {"files": ["tests/test_*.py"]}}}
        """
        try appJSON.write(to: directory.appendingPathComponent("app.json"), atomically: false, encoding: .utf8)
    }

    private static func normal(_ generator: inout SplitMix64) -> Double {
        let u1 = Double(generator.next() >> 11 | 1) / Double(1 << 53)
        let u2 = Double(generator.next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
