import Foundation
import Sharding
import TestRunner

/// The realistic half of ci/bench/shard: the generated pytest suite (PytestSuite) run, in one session, by plain
/// `pytest`, by `pytest -n <workers>` (pytest-xdist), and by Slipway's queue split cold and warm and its timings
/// split, each on the same workers, then the timings split's files by plain pytest per worker side by side (the
/// floor of any file split here). Prints wall times, ratios to xdist, and each run's passed/failed/skipped test
/// counts against plain pytest's.
enum PytestBench {
    struct Row {
        var name: String
        var wallSeconds: Double
        var counts: RunReport.CaseCounts
        var failedFiles = 0
        var note = ""
        /// CPU used during the row by the bench process (Slipway, in-process) and by the test processes.
        var cpu = CPUTimes(own: 0, children: 0)
    }

    /// `body`'s row with the CPU it used.
    private static func measured(_ body: () async throws -> Row) async rethrows -> Row {
        let before = CPUTimes.now()
        var row = try await body()
        row.cpu = CPUTimes.now() - before
        return row
    }

    static func run(shape: PytestSuite.Shape, workers: Int, python: String, scratch: URL) async throws -> Bool {
        let suite = scratch.appendingPathComponent("pytest-suite")
        try PytestSuite.write(shape, python: python, workers: workers, to: suite)
        let history = scratch.appendingPathComponent("pytest-timings.json")
        print(String(format: "pytest suite: %d files, %.0f s of test CPU, %.2f s import per process, %d all-skipped "
                     + "files; %d workers on %d cores; %@",
                     shape.count, shape.totalSeconds, shape.importSeconds, shape.allSkippedModules + shape.allSkippedTests,
                     workers, ProcessInfo.processInfo.activeProcessorCount, python))

        // Plain pytest first: it also writes the test files' bytecode, which every later run then reads.
        var loads = [loadAverage()]
        let plain = try await measured { try runPytest(python: python, arguments: [], in: suite, name: "plain pytest") }
        loads.append(loadAverage())
        let xdist = try await measured {
            try runPytest(python: python, arguments: ["-n", String(workers)], in: suite,
                          name: "pytest -n \(workers) (xdist)")
        }
        var rows = [plain, xdist]
        var timingsShards: [[String]] = []
        for (name, split) in [("slipway queue, cold", SplitMode.queue), ("slipway queue, with history", .queue),
                              ("slipway timings, with history", .timings)] {
            loads.append(loadAverage())
            let before = CPUTimes.now()
            let result = try await runSlipway(suite, split: split, workers: workers, history: history, python: python)
            let cpu = CPUTimes.now() - before
            let startup = (result.batchStartupSeconds.map { String(format: "batch start-up measured %.2f s; ", $0) } ?? "")
                + batchesPerWorker(result)
            rows.append(Row(name: name, wallSeconds: result.wallSeconds, counts: result.cases,
                            failedFiles: result.files.filter { $0.status == .failed }.count,
                            note: result.status == .passed ? startup : "run \(result.status.rawValue); " + startup,
                            cpu: cpu))
            if split == .timings {
                timingsShards = (0..<workers).map { worker in result.files.filter { $0.worker == worker }.map(\.path) }
            }
        }
        // The floor of any file split on this machine: the timings split's files, one plain pytest per worker side
        // by side, without Slipway (no workspace, no JUnit report, no service). What Slipway adds is the
        // difference to the row above; what no split can win back is this row's distance from xdist.
        loads.append(loadAverage())
        rows.append(try await measured {
            try runPytestSide(python: python, argumentLists: timingsShards.filter { !$0.isEmpty }, in: suite,
                              name: "plain pytest per shard (floor)")
        })

        print("")
        print("load average (1 min) before each run: " + loads.joined(separator: ", ")
              + " — other processes on the machine slow every run; compare runs measured at similar load")
        print("run                                 wall      ÷ xdist   tests CPU  bench CPU   passed  failed  skipped   counts")
        var allGood = true
        for row in rows {
            let same = row.counts == plain.counts && row.failedFiles == 0
            allGood = allGood && same
            print(String(format: "%@ %7.2f s   %6.3f×   %7.2f s  %7.2f s   %6d  %6d  %7d   %@%@",
                         row.name.padding(toLength: 34, withPad: " ", startingAt: 0), row.wallSeconds,
                         row.wallSeconds / xdist.wallSeconds, row.cpu.children, row.cpu.own,
                         row.counts.passed, row.counts.failed, row.counts.skipped,
                         same ? "= plain" : "DIFFER from plain", row.note.isEmpty ? "" : "  (\(row.note))"))
        }
        return allGood
    }

    /// Each worker's batch count, busy seconds and when its first batch started after the run did
    /// (`worker 0: 3 batches 61.2 s, first at 0.41 s`): how the split came out, and the run's own start-up.
    private static func batchesPerWorker(_ result: TestRunResult) -> String {
        result.workers.map { worker in
            let starts = Set(result.files.filter { $0.worker == worker.index }.compactMap(\.startOffsetSeconds))
            return String(format: "worker %d: %d batches %.1f s, first at %.2f s", worker.index, starts.count,
                          worker.seconds, starts.min() ?? 0)
        }.joined(separator: ", ")
    }

    /// The 1-minute load average, from /proc/loadavg.
    private static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
        return String(text.split(separator: " ").first ?? "?")
    }

    private static func runSlipway(_ directory: URL, split: SplitMode, workers: Int, history: URL,
                                   python: String) async throws -> TestRunResult {
        var configuration = try TestSuiteConfiguration.load(appDirectory: directory).configuration
        configuration.split = split
        configuration.workers = workers
        let path = URL(fileURLWithPath: python).deletingLastPathComponent().path + ":/usr/bin:/bin"
        let options = RunOptions(historyFile: history, baseEnvironment: ["PATH": path, "LANG": "C.UTF-8"])
        return try await TestSuiteRun(appDirectory: directory, configuration: configuration, options: options).run()
    }

    /// Runs pytest in the suite and reads its closing summary (`4012 passed, 95 skipped in 61.2s`).
    private static func runPytest(python: String, arguments: [String], in directory: URL, name: String) throws -> Row {
        try runPytestSide(python: python, argumentLists: [arguments], in: directory, name: name)
    }

    /// One plain pytest per argument list (a shard's files), all started together; the wall time is the last
    /// one's end and the counts are their sums.
    private static func runPytestSide(python: String, argumentLists: [[String]], in directory: URL,
                                      name: String) throws -> Row {
        var running: [(process: Process, output: URL, handle: FileHandle)] = []
        defer { for entry in running { try? FileManager.default.removeItem(at: entry.output) } }
        let started = ContinuousClock.now
        for arguments in argumentLists {
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("pytest-bench-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-m", "pytest", "-q"] + arguments
            process.currentDirectoryURL = directory
            process.environment = ["PATH": URL(fileURLWithPath: python).deletingLastPathComponent().path + ":/usr/bin:/bin",
                                   "LANG": "C.UTF-8", "HOME": FileManager.default.temporaryDirectory.path]
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            running.append((process, output, handle))
        }
        for entry in running { entry.process.waitUntilExit() }
        let elapsed = ContinuousClock.now - started
        var total = Row(name: name, wallSeconds: Double(elapsed.components.seconds)
                        + Double(elapsed.components.attoseconds) / 1e18, counts: RunReport.CaseCounts())
        for entry in running {
            try entry.handle.close()
            let part = try summary(of: entry.process, output: entry.output, name: name)
            total.counts.passed += part.counts.passed
            total.counts.failed += part.counts.failed
            total.counts.skipped += part.counts.skipped
            total.failedFiles += part.failedFiles
            if !part.note.isEmpty { total.note = part.note }
        }
        return total
    }

    /// The counts in one pytest's closing summary; the row's wall time is left to the caller.
    private static func summary(of process: Process, output: URL, name: String) throws -> Row {
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let summary = text.split(separator: "\n").last(where: { $0.contains(" in ") && $0.contains("passed") }) ?? ""
        var counts = RunReport.CaseCounts()
        for match in summary.matches(of: /(\d+) (passed|failed|skipped|errors?)/) {
            let number = Int(match.1) ?? 0
            switch match.2 {
            case "passed": counts.passed += number
            case "skipped": counts.skipped += number
            default: counts.failed += number
            }
        }
        guard !summary.isEmpty else {
            throw BenchError("\(name) printed no summary (exit \(process.terminationStatus)); its output ends:\n"
                             + text.split(separator: "\n").suffix(15).joined(separator: "\n"))
        }
        let status = process.terminationStatus
        return Row(name: name, wallSeconds: 0, counts: counts, failedFiles: status == 0 ? 0 : 1,
                   note: status == 0 ? "" : "exit status \(status)")
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
