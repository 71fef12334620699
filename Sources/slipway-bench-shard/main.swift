import Foundation
import Sharding
import Synchronization
import TestRunner

// ci/bench/shard, side by side in one run:
// 1. makespans of the ways to split a generated long-tailed shell suite over 32 workers, each divided by the
//    lower bound max(total / workers, longest file);
// 2. the per-worker start cost (workspace + process group + first spawn) on a 5,000-file tree;
// 3. a generated pytest suite (PytestBench): plain pytest, pytest-xdist and Slipway's splits.

struct Settings {
    var files = 600
    var workers = 32
    var targetSeconds = 15.0
    var treeFiles = 5000
    var seed: UInt64 = 42
    /// `shell`, `pytest` or both (nil).
    var only: String?
    var pytest = PytestSuite.Shape()
    var pytestWorkers = ProcessInfo.processInfo.activeProcessorCount
    var python = "python3"

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--files": files = Int(value) ?? files
            case "--workers": workers = Int(value) ?? workers
            case "--seconds": targetSeconds = Double(value) ?? targetSeconds
            case "--tree-files": treeFiles = Int(value) ?? treeFiles
            case "--seed": seed = UInt64(value) ?? seed
            case "--only": only = value
            case "--pytest-files": pytest.count = Int(value) ?? pytest.count
            case "--pytest-seconds": pytest.totalSeconds = Double(value) ?? pytest.totalSeconds
            case "--pytest-import-seconds": pytest.importSeconds = Double(value) ?? pytest.importSeconds
            case "--pytest-workers": pytestWorkers = Int(value) ?? pytestWorkers
            case "--python": python = value
            default:
                FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Collects each worker's start cost.
final class ReadyTimes: TestRunObserver, Sendable {
    private let times = Mutex<[Double]>([])
    func handle(_ event: RunEvent) {
        if case .workerReady(_, let seconds) = event { times.withLock { $0.append(seconds) } }
    }
    var all: [Double] { times.withLock { $0 } }
}

func runSuite(_ directory: URL, split: SplitMode, workers: Int, history: URL, strategy: WorkspaceStrategy = .automatic,
              observer: (any TestRunObserver)? = nil) async throws -> TestRunResult {
    var configuration = try TestSuiteConfiguration.load(appDirectory: directory).configuration
    configuration.split = split
    configuration.workers = workers
    let options = RunOptions(historyFile: history, baseEnvironment: ["PATH": "/usr/bin:/bin"],
                             workspaceStrategy: strategy)
    return try await TestSuiteRun(appDirectory: directory, configuration: configuration, options: options,
                             observer: observer).run()
}

func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

let settings = Settings(arguments: CommandLine.arguments)
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bench-shard-\(getpid())")
defer { try? FileManager.default.removeItem(at: scratch) }

do {
    if settings.only != "pytest" {
        // 1. Makespans.
        let durations = SeededDurations.make(count: settings.files, workers: settings.workers,
                                             targetSeconds: settings.targetSeconds, seed: settings.seed)
        let total = durations.reduce(0, +)
        let bound = ShardPlanner.lowerBound(durations: durations, workers: settings.workers)
        let suite = scratch.appendingPathComponent("suite")
        _ = try BenchSuite.write(durations: durations, workers: settings.workers, uniformSize: false, to: suite)
        let blindSuite = scratch.appendingPathComponent("suite-uniform-size")
        _ = try BenchSuite.write(durations: durations, workers: settings.workers, uniformSize: true, to: blindSuite)
        let history = scratch.appendingPathComponent("timings.json")
        print(String(format: "suite: %d files, seed %llu, total %.1f s, median %.2f s, longest %.2f s; %d workers; lower bound %.2f s",
                     settings.files, settings.seed, total, median(durations), durations.max() ?? 0, settings.workers, bound))

        // queue cold first: it also writes the history the timings split then uses.
        let queue = try await runSuite(suite, split: .queue, workers: settings.workers, history: history)
        let timings = try await runSuite(suite, split: .timings, workers: settings.workers, history: history)
        let warmQueue = try await runSuite(suite, split: .queue, workers: settings.workers, history: history)
        let roundRobin = try await runSuite(suite, split: .env, workers: settings.workers, history: history)
        let blindQueue = try await runSuite(blindSuite, split: .queue, workers: settings.workers,
                                            history: scratch.appendingPathComponent("blind-timings.json"))
        for result in [queue, timings, warmQueue, roundRobin, blindQueue] where result.status != .passed {
            print("a bench run did not pass: \(result.status)")
            exit(1)
        }
        print("")
        print("split                                  makespan   ÷ lower bound   files run")
        for (name, result) in [("round-robin (env split)", roundRobin), ("timings (with history)", timings),
                               ("queue (with history)", warmQueue), ("queue (cold: file sizes)", queue),
                               ("queue (cold: no signal, equal sizes)", blindQueue)] {
            print(String(format: "%@ %7.2f s   %6.3f×         %d", name.padding(toLength: 38, withPad: " ", startingAt: 0),
                         result.wallSeconds, result.wallSeconds / bound, result.files.count))
        }

        // 2. Start cost per worker on a 5,000-file tree: a workspace, a process group and `test-setup` (`true`).
        let tree = scratch.appendingPathComponent("tree")
        try BenchSuite.writeTree(count: settings.treeFiles, to: tree)
        print("")
        print("start cost per worker (workspace + process group + spawn), \(settings.treeFiles)-file tree:")
        for (strategy, runs, together) in [(WorkspaceStrategy.overlay, 5, true), (.copy, 3, false)] {
            var sequential: [Double] = []
            var used = ""
            do {
                for _ in 0..<runs {
                    let observer = ReadyTimes()
                    let result = try await runSuite(tree, split: .env, workers: 1,
                                                    history: scratch.appendingPathComponent("tree-timings.json"),
                                                    strategy: strategy, observer: observer)
                    used = result.workspaceStrategy
                    sequential += observer.all
                }
                guard together else {
                    print(String(format: "  %-8@ one worker: median %@ (%d runs)", used, milliseconds(median(sequential)), runs))
                    continue
                }
                let observer = ReadyTimes()
                let started = ContinuousClock.now
                _ = try await runSuite(tree, split: .env, workers: settings.workers,
                                       history: scratch.appendingPathComponent("tree-timings.json"),
                                       strategy: strategy, observer: observer)
                let wall = ContinuousClock.now - started
                let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
                print(String(format: "  %-8@ one worker: median %@ (%d runs)   %d at once: median %@, slowest %@, whole run %@ (%@ per worker)",
                             used, milliseconds(median(sequential)), runs, settings.workers, milliseconds(median(observer.all)),
                             milliseconds(observer.all.max() ?? 0), milliseconds(wallSeconds),
                             milliseconds(wallSeconds / Double(settings.workers))))
            } catch {
                print("  \(strategy.rawValue): not available here (\(error))")
            }
        }
    }
    if settings.only != "shell" {
        // 3. The pytest suite.
        if settings.only == nil { print("") }
        let allMatch = try await PytestBench.run(shape: settings.pytest, workers: settings.pytestWorkers,
                                                 python: settings.python, scratch: scratch)
        if !allMatch {
            print("a run's test counts differ from plain pytest's, or a file failed")
            exit(1)
        }
    }
} catch {
    print("bench failed: \(error)")
    exit(1)
}
