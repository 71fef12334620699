import Foundation
/// Checks on values that the schema alone would reject with a less helpful message.
package enum Validation {
    /// Config var keys: `[A-Za-z_][A-Za-z0-9_]*`, like shell variable names (what a process can read).
    package static func configKeys<Keys: Sequence>(_ keys: Keys, field: String) throws(StoreError) where Keys.Element == String {
        for key in keys {
            guard isConfigKey(key) else {
                throw StoreError.invalidValue("\(field).\(key.prefix(64))",
                    "a config var name is letters, digits and '_', not starting with a digit")
            }
        }
    }

    package static func isConfigKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let first = bytes.first, !isDigit(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// Procfile process types: `[A-Za-z0-9_-]+`.
    package static func processType(_ type: String) throws(StoreError) {
        let bytes = Array(type.utf8)
        let allowed = bytes.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard !bytes.isEmpty, allowed else {
            throw StoreError.invalidValue(
                "processType", "'\(type.prefix(64))' is not a Procfile process type ([A-Za-z0-9_-]+)")
        }
    }

    package static func nonEmpty(_ value: String, field: String) throws(StoreError) {
        guard !value.isEmpty else { throw StoreError.invalidValue(field, "must not be empty") }
    }

    package static func positive(_ value: Int, field: String) throws(StoreError) {
        guard value > 0 else { throw StoreError.invalidValue(field, "must be a positive number (got \(value))") }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

/// The checks every store makes on a method's input before it opens a transaction, shared so the SQLite and the
/// PostgreSQL stores refuse exactly the same inputs with exactly the same messages.
extension Validation {
    /// Most workers a test run may use (SPEC §2: `formation.test.quantity` is 1–32).
    package static let maximumWorkers = 32

    package static func pipeline(_ pipeline: Pipeline) throws(StoreError) {
        try configKeys(pipeline.reviewConfigVars.keys, field: "reviewConfigVars")
        try nonEmpty(pipeline.repository, field: "repository")
        try nonEmpty(pipeline.targetBranch, field: "targetBranch")
    }

    package static func app(_ app: App) throws(StoreError) {
        guard (app.pipeline == nil) == (app.stage == nil) else {
            throw StoreError.invalidValue("stage", "an app in a pipeline has a stage, and an app outside one has none")
        }
        if let review = app.review {
            guard app.stage == .review else {
                throw StoreError.invalidValue("review", "only an app in the review stage has pull-request details")
            }
            try positive(review.prNumber, field: "review.prNumber")
        }
    }

    /// A config change sets or unsets something, with valid keys, never the same key both ways.
    package static func configChange(set: [String: String], unset: [String]) throws(StoreError) {
        guard !set.isEmpty || !unset.isEmpty else {
            throw StoreError.invalidValue("config", "nothing to set or unset")
        }
        try configKeys(set.keys, field: "config")
        try configKeys(unset, field: "config")
        if let both = unset.first(where: { set[$0] != nil }) {
            throw StoreError.invalidValue("config.\(both)", "cannot be set and unset in one change")
        }
    }

    /// Heroku's wording: "Set FOO, BAR config vars", "Remove BAZ config vars", or both joined by "; ".
    package static func describeConfigChange(set: [String: String], unset: [String]) -> String {
        var parts: [String] = []
        if !set.isEmpty { parts.append("Set \(set.keys.sorted().joined(separator: ", ")) config vars") }
        if !unset.isEmpty { parts.append("Remove \(unset.sorted().joined(separator: ", ")) config vars") }
        return parts.joined(separator: "; ")
    }

    package static func releaseConfig(_ config: ReleaseConfig) throws(StoreError) {
        switch config {
        case .currentConfigVars: break
        case .snapshot(let vars), .restoring(let vars): try configKeys(vars.keys, field: "config")
        }
    }

    package static func formation(_ entries: [FormationEntry]) throws(StoreError) {
        for entry in entries {
            try processType(entry.processType)
            guard entry.quantity >= 0 else {
                throw StoreError.invalidValue(
                    "formation.\(entry.processType).quantity", "must be 0 or more (got \(entry.quantity))")
            }
            try nonEmpty(entry.size, field: "formation.\(entry.processType).size")
        }
        let types = entries.map(\.processType)
        if Set(types).count != types.count {
            throw StoreError.invalidValue("formation", "a process type appears more than once")
        }
    }

    package static func workers(_ workers: Int) throws(StoreError) {
        guard (1...maximumWorkers).contains(workers) else {
            throw StoreError.invalidValue("workers", "must be between 1 and \(maximumWorkers) (got \(workers))")
        }
    }

    /// A new `pending` test run with a fresh UUID, its inputs checked: what `createTestRun` stores, on either store.
    package static func newTestRun(pipeline: ResourceName, prNumber: Int?, branch: String?, commit: String, workers: Int,
                           split: String?) throws(StoreError) -> TestRun {
        try self.workers(workers)
        try nonEmpty(commit, field: "commit")
        if let prNumber { try positive(prNumber, field: "prNumber") }
        return TestRun(
            id: UUID().uuidString.lowercased(), pipeline: pipeline, prNumber: prNumber, branch: branch,
            commit: commit, state: .pending, workers: workers, split: split, createdAt: Date().storedPrecision)
    }

    /// Fencing of test-run updates: one that names an owner must come from the stored owner.
    package static func fence(_ run: TestRun, storedOwner: String?) throws(StoreError) {
        guard let owner = run.owner, owner != storedOwner else { return }
        throw StoreError(.conflict, "test run '\(run.id.prefix(64))' is owned by another service instance now")
    }

    package static func testRunUpdate(_ run: TestRun) throws(StoreError) {
        try workers(run.workers)
        let paths = run.fileResults.map(\.path)
        if Set(paths).count != paths.count {
            throw StoreError.invalidValue("fileResults", "a file appears more than once")
        }
    }
}
