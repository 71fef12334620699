import Foundation

/// Reads TAP (Test Anything Protocol, versions 12–14) from a command's output.
///
/// Only top-level test points count (indented subtests are summarised by their parent). `# SKIP` is a skip,
/// `# TODO` never fails the run, `Bail out!` is a failure. Diagnostic lines (`# …`, and an indented YAML
/// block) after a failing point become its message.
public enum TAPParser {
    /// True when the text contains TAP test points or a plan.
    public static func looksLikeTAP(_ text: String) -> Bool {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if testPoint(String(line)) != nil || line.hasPrefix("TAP version") { return true }
            if line.hasPrefix("1..") && line.dropFirst(3).first?.isNumber == true { return true }
        }
        return false
    }

    public static func parse(_ text: String) -> [TestCaseResult] {
        var cases: [TestCaseResult] = []
        var lastFailedIndex: Int?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if let point = testPoint(String(line)) {
                cases.append(point)
                lastFailedIndex = point.outcome == .failed ? cases.count - 1 : nil
                continue
            }
            if line.hasPrefix("Bail out!") {
                let reason = line.dropFirst("Bail out!".count).trimmingCharacters(in: .whitespaces)
                cases.append(TestCaseResult(name: "Bail out!", outcome: .failed, message: reason))
                lastFailedIndex = cases.count - 1
                continue
            }
            guard let index = lastFailedIndex else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let isDiagnostic = line.hasPrefix("#") || line.hasPrefix(" ") || line.hasPrefix("\t")
            guard isDiagnostic, !trimmed.isEmpty, trimmed != "---", trimmed != "..." else { continue }
            // An indented test point or plan belongs to a subtest, not to the failure's diagnostics.
            if testPoint(trimmed) != nil || trimmed.hasPrefix("1..") || trimmed.hasPrefix("# Subtest") { continue }
            let detail = trimmed.hasPrefix("#") ? trimmed.dropFirst().trimmingCharacters(in: .whitespaces) : trimmed
            let existing = cases[index].message ?? ""
            cases[index].message = existing.isEmpty ? detail : existing + "\n" + detail
        }
        return cases
    }

    /// Parses `ok 3 - description # SKIP reason` and `not ok 4 description # TODO reason`.
    static func testPoint(_ line: String) -> TestCaseResult? {
        var rest: Substring
        let failed: Bool
        if line.hasPrefix("not ok") {
            failed = true
            rest = line.dropFirst("not ok".count)
        } else if line.hasPrefix("ok") {
            failed = false
            rest = line.dropFirst("ok".count)
        } else {
            return nil
        }
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        rest = rest.drop(while: { $0 == " " || $0 == "\t" })
        rest = rest.drop(while: \.isNumber)
        rest = rest.drop(while: { $0 == " " || $0 == "\t" })
        if rest.hasPrefix("-") { rest = rest.dropFirst().drop(while: { $0 == " " }) }
        var description = String(rest)
        var directive = ""
        if let hash = description.range(of: " # ") ?? description.range(of: "# ", options: .anchored) {
            directive = description[hash.upperBound...].trimmingCharacters(in: .whitespaces).uppercased()
            description = String(description[..<hash.lowerBound])
        }
        description = description.trimmingCharacters(in: .whitespaces)
        let outcome: TestCaseResult.Outcome
        if directive.hasPrefix("SKIP") {
            outcome = .skipped
        } else if directive.hasPrefix("TODO") {
            outcome = failed ? .skipped : .passed
        } else {
            outcome = failed ? .failed : .passed
        }
        return TestCaseResult(name: description, outcome: outcome)
    }
}
