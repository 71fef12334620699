import Foundation
import Sharding
import TestRunner

/// The human summary of a run: totals, each worker's files and time, flaky files, and every failure with
/// the tail of its output.
enum CISummary {
    static func render(_ result: TestRunResult, keptRunDirectory: String?) -> String {
        var lines: [String] = []
        let passed = result.files.filter { $0.status == .passed }.count
        let skipped = result.files.filter { $0.status == .skipped }.count
        let flaky = result.files.filter { $0.status == .flaky }
        let failed = result.files.filter { $0.status == .failed }
        let verdict = switch result.status {
        case .passed: "PASSED"
        case .failed: "FAILED"
        case .error: "ERROR"
        }
        lines.append(String(format: "%@: %d passed, %d skipped, %d flaky, %d failed — %d files on %d workers (%@ split, %@ workspaces) in %.2f s",
                            verdict, passed, skipped, flaky.count, failed.count, result.files.count, result.workers.count,
                            result.split.rawValue, result.workspaceStrategy, result.wallSeconds))
        let cases = result.cases
        if cases.passed + cases.failed + cases.skipped > 0 {
            lines.append("test cases: \(cases.passed) passed, \(cases.failed) failed, \(cases.skipped) skipped")
        }
        if let reason = result.stopReason { lines.append(reason) }
        if !result.notRun.isEmpty {
            lines.append("not run: \(result.notRun.count) file\(result.notRun.count == 1 ? "" : "s")")
        }
        if result.status == .error && result.files.isEmpty { return lines.joined(separator: "\n") + "\n" }
        lines.append("")
        let table = Table(header: ["worker", "files", "seconds"], rows: result.workers.map {
            [String($0.index), String($0.files), String(format: "%.2f", $0.seconds)]
        })
        lines += table.lines
        for file in flaky {
            lines.append("")
            lines.append("flaky: \(file.path) (passed on attempt \(file.attempts), worker \(file.worker))")
        }
        for file in failed {
            lines.append("")
            lines.append("FAILED \(file.path) (worker \(file.worker), \(file.attempts) attempt\(file.attempts == 1 ? "" : "s"))")
            for line in (file.failure ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("  | " + line)
            }
        }
        if let keptRunDirectory { lines.append("\nworkspaces and logs kept under \(keptRunDirectory)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
