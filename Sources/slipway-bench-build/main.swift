import Foundation
import Platform
import Processes

// Benchmarks the Python builder on the Django fixture (ci/bench/build), side by side in one run:
//   plain  `python3 -m venv venv && venv/bin/pip install -r requirements.txt` in a fresh directory and HOME
//   cold   a BuildStore build of the fixture with an empty dependency cache (venv, pip, collectstatic)
//   warm   a build of the fixture with one template changed: a new build id, the same requirements.txt,
//          so the venv comes from the cache
// Every run downloads from PyPI with an empty pip cache (each gets a fresh HOME), so plain and cold pay the
// same network. `--rounds N` repeats the trio and reports medians.

let arguments = CommandLine.arguments
let rounds = arguments.firstIndex(of: "--rounds").flatMap { Int(arguments[$0 + 1]) } ?? 1
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let fixture = repository.appendingPathComponent("fixtures/apps/django")

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func plainPip(in scratch: URL) async throws -> Double {
    let directory = scratch.appendingPathComponent("plain")
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("home"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: fixture.appendingPathComponent("requirements.txt"),
                                     to: directory.appendingPathComponent("requirements.txt"))
    // What a build step gets: the same registry settings (index, certificates, timeouts), a fresh HOME.
    var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                       "HOME": directory.appendingPathComponent("home").path, "LANG": "C.UTF-8"]
    for name in BuildStore.passedVariables {
        if let value = ProcessInfo.processInfo.environment[name] { environment[name] = value }
    }
    let started = ContinuousClock.now
    let group = try ProcessGroup()
    let termination = try await group.run(.shell(
        "python3 -m venv venv && venv/bin/pip install --disable-pip-version-check -r requirements.txt",
        environment: environment, workingDirectory: directory.path, outputPath: directory.appendingPathComponent("log").path))
    guard termination.succeeded else {
        print("plain pip failed (\(termination)); see \(directory.path)/log")
        exit(1)
    }
    return seconds(ContinuousClock.now - started)
}

func build(_ store: BuildStore, source: URL) async throws -> Double {
    let started = ContinuousClock.now
    let build = try await store.build(directory: source, command: nil, context: .app, cacheScope: "bench")
    let elapsed = seconds(ContinuousClock.now - started)
    // Where the time went, from the build's own log.
    for line in await store.outputTail(of: build.id, lines: 200).split(separator: "\n")
    where line.contains(" linked in ") || line.contains(" took ") || line.contains(" succeeded in ") {
        print("  \(line.trimmingCharacters(in: .whitespaces))")
    }
    return elapsed
}

var plain: [Double] = []
var cold: [Double] = []
var warm: [Double] = []
for round in 1...rounds {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bench-build-\(UUID().uuidString.prefix(8))")
    defer { try? FileManager.default.removeItem(at: scratch) }
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let store = BuildStore(root: scratch.appendingPathComponent("builds"), cacheRoot: scratch.appendingPathComponent("build-cache"))
    _ = try await store.currentToolchain()
    let changed = scratch.appendingPathComponent("changed")
    try FileManager.default.copyItem(at: fixture, to: changed)
    let template = changed.appendingPathComponent("hello/templates/hello/index.html")
    try (try String(contentsOf: template, encoding: .utf8) + "<p>changed</p>\n").write(to: template, atomically: true, encoding: .utf8)

    plain.append(try await plainPip(in: scratch))
    cold.append(try await build(store, source: fixture))
    warm.append(try await build(store, source: changed))
    print(String(format: "round %d: plain pip %.2f s, cold build %.2f s, warm build %.2f s", round, plain.last!, cold.last!, warm.last!))
}

let (p, c, w) = (median(plain), median(cold), median(warm))
print(String(format: "plain venv + pip install   %6.2f s", p))
print(String(format: "cold build (empty cache)   %6.2f s   %.2fx plain pip   (goal <= 1.2x)", c, c / p))
print(String(format: "warm build (cached venv)   %6.2f s   %.1f%% of cold     (goal <= 2 s and <= 10%%)", w, 100 * w / c))
