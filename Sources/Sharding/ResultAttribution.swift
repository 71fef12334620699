import Foundation

/// Decides which of a batch's files each reported test case belongs to.
///
/// In order: the case's `file` attribute; a batch file path inside the case's name or class name
/// (`ok 3 - tests/login_test.sh`); a dotted class name that spells the file's path without extension
/// (`tests.test_login` ↔ `tests/test_login.py`; with no class name, the case's name, as pytest names a module
/// skipped at collection) or the file's base name (`LoginTest` ↔ `src/LoginTest.java`);
/// and, for a one-file batch, that file.
public struct ResultAttribution: Sendable {
    public let files: [String]
    /// Absolute roots that reports may prefix paths with (the worker's workspace).
    public let roots: [String]

    /// Longest path first, so `tests/a_test.sh` does not claim a case of `tests/a_test.sh.d/b`.
    private let longestFirst: [String]
    private let fileSet: Set<String>

    public init(files: [String], roots: [String] = []) {
        self.files = files
        self.roots = roots.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        self.longestFirst = files.sorted { $0.count > $1.count }
        self.fileSet = Set(files)
    }

    public func file(for testCase: TestCaseResult) -> String? {
        if let named = testCase.file.map(normalize), fileSet.contains(named) { return named }
        for candidate in longestFirst {
            if testCase.name.contains(candidate) || (testCase.className?.contains(candidate) ?? false) {
                return candidate
            }
        }
        // pytest names a whole module it skipped or could not collect by its dotted path, with no class name
        // (`<testcase classname="" name="tests.test_login">`).
        if let dotted = testCase.className ?? (testCase.name.contains(".") ? testCase.name : nil) {
            for candidate in files {
                let stem = Self.dropExtension(candidate).replacingOccurrences(of: "/", with: ".")
                if dotted == stem || dotted.hasPrefix(stem + ".") { return candidate }
            }
        }
        // A class name's last part, or a class-less case's name (pytest run from inside `tests/`, with no
        // configuration file, names a skipped module `test_login`), may be a file's base name.
        if let className = testCase.className ?? (testCase.name.isEmpty ? nil : testCase.name) {
            let lastComponent = className.split(separator: ".").last.map(String.init) ?? className
            let byBaseName = files.filter { Self.dropExtension(Self.baseName($0)) == lastComponent }
            if byBaseName.count == 1 { return byBaseName[0] }
        }
        return files.count == 1 ? files[0] : nil
    }

    /// The path relative to the batch: workspace roots and leading `./` removed.
    public func normalize(_ path: String) -> String {
        var path = path
        for root in roots where path.hasPrefix(root) {
            path = String(path.dropFirst(root.count))
            break
        }
        while path.hasPrefix("./") { path = String(path.dropFirst(2)) }
        return path
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func dropExtension(_ path: String) -> String {
        let base = baseName(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return path }
        let stemLength = base.distance(from: base.startIndex, to: dot)
        return String(path.dropLast(base.count - stemLength))
    }
}
