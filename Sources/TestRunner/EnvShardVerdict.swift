import Sharding

/// Judges an `env` shard, whose files the suite chose itself: reported cases name the files (matched against
/// the discovered files, else the path the report gives); whatever cannot be placed, or a failing exit with
/// nothing reported, is the pseudo-file `(shard N)`. A shard whose suite reported and ran nothing (TAP `1..0`)
/// is an empty shard: it passes with no files. Exit status 5 with a report of skipped cases only passes, as in
/// `BatchVerdict`.
enum EnvShardVerdict {
    static func label(shard: Int) -> String { "(shard \(shard))" }

    static func judge(shard: Int, cases: [TestCaseResult], reported: Bool, outcome: BatchOutcome,
                      knownFiles: [String], workspace: Workspace) -> [FileVerdict] {
        let attribution = ResultAttribution(files: knownFiles, roots: workspace.attributionRoots)
        var byFile: [String: [TestCaseResult]] = [:]
        var order: [String] = []
        for testCase in cases {
            let file = (knownFiles.isEmpty ? nil : attribution.file(for: testCase))
                ?? testCase.file.map(attribution.normalize)
                ?? label(shard: shard)
            if byFile[file] == nil { order.append(file) }
            byFile[file, default: []].append(testCase)
        }
        let anyFailure = cases.contains { $0.outcome == .failed }
        // pytest's "no tests ran" (exit 5) with a report of skipped cases only is a pass, as in a batch (BatchVerdict).
        let succeeded = outcome.succeeded || (outcome.ranNoTests && reported && cases.allSatisfy { $0.outcome == .skipped })
        if cases.isEmpty && reported && succeeded { return [] }
        if order.isEmpty || (!succeeded && !anyFailure && byFile[label(shard: shard)] == nil) {
            order.append(label(shard: shard))
        }
        return order.map { file in
            let own = byFile[file] ?? []
            let failures = own.filter { $0.outcome == .failed }
            if !failures.isEmpty {
                let reason = failures.map { [$0.name, $0.message ?? ""].filter { !$0.isEmpty }.joined(separator: ": ") }
                return FileVerdict(file: file, passed: false, reason: reason.joined(separator: "\n"), cases: own)
            }
            if file == label(shard: shard) && !succeeded && !anyFailure {
                return FileVerdict(file: file, passed: false, reason: outcome.summary, cases: own)
            }
            return FileVerdict(file: file, passed: true, cases: own)
        }
    }
}
