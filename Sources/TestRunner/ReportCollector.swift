import Foundation
import Sharding

/// Gathers the test cases a batch reported: JUnit XML files in its `SLIPWAY_REPORTS_DIR`, files matching the
/// suite's `junit` glob inside the workspace (removed after reading, so the next batch does not read them
/// again), and TAP in its output.
struct ReportCollector: Sendable {
    let junitGlob: Glob?

    struct Collected: Sendable {
        var cases: [TestCaseResult] = []
        /// A JUnit file or TAP output was found (possibly with no cases: an empty shard).
        var foundReport = false
        /// Reports that could not be read, for the failure output.
        var problems: [String] = []
    }

    func collect(reportsDirectory: String, workspace: Workspace, logPath: String) -> Collected {
        var collected = Collected()
        for path in xmlFiles(under: reportsDirectory) { read(path, into: &collected) }
        if let junitGlob {
            for path in matches(of: junitGlob, under: workspace.writableRoot) {
                read(path, into: &collected)
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        if let data = FileManager.default.contents(atPath: logPath) {
            let text = String(decoding: data, as: UTF8.self)
            if TAPParser.looksLikeTAP(text) {
                collected.foundReport = true
                collected.cases += TAPParser.parse(text)
            }
        }
        return collected
    }

    private func read(_ path: String, into collected: inout Collected) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        do {
            collected.cases += try JUnitParser.parse(data)
            collected.foundReport = true
        } catch {
            collected.problems.append("\(URL(fileURLWithPath: path).lastPathComponent): \(error.message)")
        }
    }

    private func xmlFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".xml") { found.append(directory + "/" + relative) }
        }
        return found.sorted()
    }

    /// Walks only below the glob's fixed leading directories (`reports/` for `reports/**/*.xml`).
    private func matches(of glob: Glob, under root: String) -> [String] {
        let segments = glob.pattern.split(separator: "/")
        let fixed = segments.prefix { !$0.contains(where: { "*?[{".contains($0) }) }
        let prefixSegments = fixed.count == segments.count ? Array(fixed.dropLast()) : Array(fixed)
        let prefix = prefixSegments.joined(separator: "/")
        let start = prefix.isEmpty ? root : root + "/" + prefix
        guard let walker = FileManager.default.enumerator(atPath: start) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = prefix.isEmpty ? relative : prefix + "/" + relative
            if glob.matches(path) { found.append(root + "/" + path) }
        }
        return found.sorted()
    }
}
