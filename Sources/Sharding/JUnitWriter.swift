import Foundation

/// Writes one merged JUnit XML document for a whole run: a `<testsuite>` per test file.
///
/// Reported cases are kept as they were; a file without a report gets one case named after the file.
/// Flaky files pass, and say so in `slipway.status`/`slipway.attempts` properties and a `<system-out>` line,
/// so strict consumers (GitLab, Jenkins) read them while the history stays visible.
public enum JUnitWriter {
    public static func document(for files: [FileResult], name: String = "slipway", wallSeconds: Double) -> String {
        let suites = files.sorted { $0.path < $1.path }
        var totalTests = 0
        var totalFailures = 0
        var body = ""
        for file in suites {
            var cases = file.cases
            if cases.isEmpty || (file.status == .failed && !cases.contains { $0.outcome == .failed }) {
                cases.append(TestCaseResult(
                    name: file.path, className: file.path, file: file.path, seconds: file.seconds,
                    outcome: file.status == .failed ? .failed : .passed, message: file.failure
                ))
            }
            let failures = cases.filter { $0.outcome == .failed }.count
            let skipped = cases.filter { $0.outcome == .skipped }.count
            totalTests += cases.count
            totalFailures += failures
            body += "  <testsuite name=\"\(escape(file.path))\" file=\"\(escape(file.path))\""
                + " tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
                + " time=\"\(seconds(file.seconds))\">\n"
            body += "    <properties>\n"
                + "      <property name=\"slipway.status\" value=\"\(file.status.rawValue)\"/>\n"
                + "      <property name=\"slipway.attempts\" value=\"\(file.attempts)\"/>\n"
                + "      <property name=\"slipway.worker\" value=\"\(file.worker)\"/>\n"
                + "    </properties>\n"
            for testCase in cases { body += element(for: testCase, file: file.path) }
            if file.status == .flaky {
                let detail = "flaky: failed, then passed on attempt \(file.attempts)"
                    + (file.failure.map { "\n" + $0 } ?? "")
                body += "    <system-out>\(escape(detail))</system-out>\n"
            }
            body += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(escape(name))\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\""
            + " errors=\"0\" time=\"\(seconds(wallSeconds))\">\n" + body + "</testsuites>\n"
    }

    static func element(for testCase: TestCaseResult, file: String) -> String {
        let className = testCase.className ?? file
        var text = "    <testcase name=\"\(escape(testCase.name))\" classname=\"\(escape(className))\""
            + " file=\"\(escape(file))\" time=\"\(seconds(testCase.seconds ?? 0))\""
        switch testCase.outcome {
        case .passed:
            return text + "/>\n"
        case .skipped:
            return text + ">\n      <skipped/>\n    </testcase>\n"
        case .failed:
            let message = testCase.message ?? "failed"
            let firstLine = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? message
            text += ">\n      <failure message=\"\(escape(firstLine))\">\(escape(message))</failure>\n"
            return text + "    </testcase>\n"
        }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// Escapes text for XML 1.0 content and attribute values; characters XML 1.0 cannot carry
    /// (most C0 controls, as in ANSI colour codes) become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && !(0xFFFE...0xFFFF).contains(value)
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
