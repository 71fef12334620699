import Foundation
import Sharding
import Testing
@testable import TestRunner

/// End-to-end runs of the fixture suite: real workers, real processes, real files.
@Suite("Sharded runs")
struct ShardedRunTests {
    static let modes: [SplitMode] = [.env, .timings, .queue]
    static let workerCounts = [1, 7, 32]

    @Test("every file runs exactly once and passes", arguments: modes, workerCounts)
    func everyFileRunsOnce(split: SplitMode, workers: Int) async throws {
        let fixture = try SuiteFixture.make(files: 40)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: workers, split: split)

        #expect(result.status == .passed)
        let counts = fixture.runCounts()
        #expect(counts.count == 40)
        #expect(counts.values.allSatisfy { $0 == 1 }, "a file ran more than once: \(counts.filter { $0.value > 1 })")
        #expect(Set(fixture.logLines().map(\.file)) == Set(fixture.files))
        #expect(result.files.map(\.path) == fixture.files)
        #expect(result.files.allSatisfy { $0.status == .passed && $0.attempts == 1 })
        #expect(result.report.workers.count == workers)
        #expect(result.report.workers.map(\.files).reduce(0, +) == 40)
        // The log's worker column is CI_NODE_INDEX: it must agree with the worker the report names.
        let workerOf = Dictionary(uniqueKeysWithValues: fixture.logLines().map { ($0.file, $0.worker) })
        for file in result.files { #expect(workerOf[file.path] == file.worker, "\(file.path)") }
        // Each file knows when its batch started; one worker's batches never overlap.
        for worker in 0..<workers {
            let mine = result.files.filter { $0.worker == worker }
                .sorted { ($0.startOffsetSeconds ?? -1, $0.path) < ($1.startOffsetSeconds ?? -1, $1.path) }
            for file in mine {
                let offset = try #require(file.startOffsetSeconds, "\(file.path) has no start offset")
                #expect(offset >= 0 && offset + file.seconds <= result.wallSeconds + 0.05, "\(file.path): \(offset)")
            }
            for (earlier, later) in zip(mine, mine.dropFirst())
            where earlier.startOffsetSeconds != later.startOffsetSeconds {
                #expect(later.startOffsetSeconds! + 0.05 >= earlier.startOffsetSeconds! + earlier.seconds,
                        "\(later.path) started before \(earlier.path) ended")
            }
        }
    }

    @Test("a failing file is attributed to that file and fails the run", arguments: modes, workerCounts)
    func failureAttribution(split: SplitMode, workers: Int) async throws {
        let fixture = try SuiteFixture.make(files: 20)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: workers, split: split,
                                           fixture: ["FIXTURE_FAIL": "tests/t007.sh tests/t013.sh"])

        #expect(result.status == .failed)
        let failed = result.files.filter { $0.status == .failed }.map(\.path)
        #expect(failed == ["tests/t007.sh", "tests/t013.sh"])
        #expect(result.files.filter { $0.status == .passed }.count == 18)
        #expect(fixture.runCounts().values.allSatisfy { $0 == 1 })
        let failure = try #require(result.files.first { $0.path == "tests/t007.sh" }?.failure)
        #expect(failure.contains("assertion failed in tests/t007.sh"))
    }

    @Test("retries re-run failures; a pass on retry is flaky and the run passes", arguments: modes, workerCounts)
    func retriesAndFlaky(split: SplitMode, workers: Int) async throws {
        let fixture = try SuiteFixture.make(files: 16)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: workers, split: split, retries: 2,
                                           fixture: ["FIXTURE_FLAKY": "tests/t003.sh tests/t011.sh"])

        #expect(result.status == .passed)
        let flaky = result.files.filter { $0.status == .flaky }
        #expect(flaky.map(\.path) == ["tests/t003.sh", "tests/t011.sh"])
        #expect(flaky.allSatisfy { $0.attempts == 2 })
        let counts = fixture.runCounts()
        #expect(counts.values.allSatisfy { $0 == 1 }, "every (file, attempt) runs exactly once: \(counts)")
        #expect(counts["tests/t003.sh#2"] == 1)
        if split != .env {
            // Only the failures run again; an env shard re-runs as a whole.
            #expect(counts.keys.filter { $0.hasSuffix("#2") }.sorted() == ["tests/t003.sh#2", "tests/t011.sh#2"])
            #expect(result.files.filter { $0.status == .passed }.allSatisfy { $0.attempts == 1 })
        }
    }

    @Test("a file failing every attempt fails after retries", arguments: [SplitMode.timings, .queue])
    func retriesExhausted(split: SplitMode) async throws {
        let fixture = try SuiteFixture.make(files: 6)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 3, split: split, retries: 2,
                                           fixture: ["FIXTURE_FAIL": "tests/t002.sh"])
        #expect(result.status == .failed)
        let file = try #require(result.files.first { $0.path == "tests/t002.sh" })
        #expect(file.status == .failed)
        #expect(file.attempts == 3)
        #expect(fixture.runCounts()["tests/t002.sh#3"] == 1)
    }

    @Test("more workers than files: empty shards pass", arguments: modes)
    func emptyShards(split: SplitMode) async throws {
        let fixture = try SuiteFixture.make(files: 3)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 32, split: split)
        #expect(result.status == .passed)
        #expect(result.files.count == 3)
        #expect(result.report.workers.count == 32)
        #expect(result.report.workers.reduce(0) { $0 + $1.files } == 3)
        // A planned split puts the three files on three workers; a queue lets a quick worker take a second
        // file before a slow one starts, so on a loaded machine fewer may be busy.
        let empty = result.report.workers.filter { $0.files == 0 }.count
        if split == .queue { #expect((29...31).contains(empty)) } else { #expect(empty == 29) }
        #expect(fixture.runCounts().values.allSatisfy { $0 == 1 })
    }

    @Test("JUnit reports in SLIPWAY_REPORTS_DIR attribute results in multi-file batches",
          arguments: [SplitMode.timings, .queue])
    func junitReports(split: SplitMode) async throws {
        let fixture = try SuiteFixture.make(files: 24)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 3, split: split,
                                           fixture: ["FIXTURE_REPORT": "junit", "FIXTURE_FAIL": "tests/t010.sh"])
        #expect(result.status == .failed)
        #expect(result.files.filter { $0.status == .failed }.map(\.path) == ["tests/t010.sh"])
        let failed = try #require(result.files.first { $0.path == "tests/t010.sh" })
        #expect(failed.cases.first?.message?.contains("expected 1, got 2") == true)
    }

    @Test("a failing multi-file batch without any report fails every file in it")
    func unattributableBatch() async throws {
        let fixture = try SuiteFixture.make(files: 6)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 2, split: .timings,
                                           fixture: ["FIXTURE_REPORT": "none", "FIXTURE_FAIL": "tests/t001.sh"])
        #expect(result.status == .failed)
        let failed = Set(result.files.filter { $0.status == .failed }.map(\.path))
        #expect(failed.contains("tests/t001.sh"))
        let batchOfFailure = result.files.first { $0.path == "tests/t001.sh" }!.worker
        #expect(failed == Set(result.files.filter { $0.worker == batchOfFailure }.map(\.path)))
        #expect(result.files.first { $0.path == "tests/t001.sh" }?.failure?.contains("exit status 1") == true)
    }

    @Test("queue without reports: a failing multi-file batch is split into single files, so the failure lands on its file")
    func queueWithoutReports() async throws {
        let fixture = try SuiteFixture.make(files: 48)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 2, split: .queue,
                                           fixture: ["FIXTURE_REPORT": "none", "FIXTURE_FAIL": "tests/t004.sh"])
        #expect(result.files.filter { $0.status == .failed }.map(\.path) == ["tests/t004.sh"])
        #expect(result.files.count == 48)
        // The files of the failing batch ran twice (in the batch, then alone), every other file once: batches
        // held several files, and only the failing one was split.
        let counts = fixture.runCounts()
        let twice = counts.filter { $0.value == 2 }.keys
        #expect(counts["tests/t004.sh#1"] == 2)  // the same attempt: splitting is not a retry
        #expect(twice.count > 1 && twice.count <= 16, "\(counts)")
        #expect(counts.values.allSatisfy { $0 == 1 || $0 == 2 })
    }

    @Test("the merged JUnit file is valid XML with one suite per file")
    func mergedJUnit() async throws {
        let fixture = try SuiteFixture.make(files: 10)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 4, split: .queue, retries: 1,
                                           fixture: ["FIXTURE_FAIL": "tests/t002.sh", "FIXTURE_FLAKY": "tests/t005.sh"])
        let path = fixture.directory.deletingLastPathComponent().appendingPathComponent("merged.xml")
        try result.junitXML.write(to: path, atomically: true, encoding: .utf8)

        let cases = try JUnitParser.parse(Data(result.junitXML.utf8))
        #expect(cases.filter { $0.outcome == .failed }.compactMap(\.file) == ["tests/t002.sh"])
        #expect(Set(cases.compactMap(\.file)).count == 10)
        let python = try PythonXML.suites(in: path.path)
        #expect(python.count == 10)
        #expect(python["tests/t002.sh"] == "failed")
        #expect(python["tests/t005.sh"] == "flaky")
        #expect(python["tests/t001.sh"] == "passed")
    }
}
