import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decides which of a batch's files each reported test case belongs to.
///
/// In order: the case's `file` attribute; a batch file path inside the case's name or class name
/// (`ok 3 - tests/login_test.sh`); a dotted class name that spells the file's path without extension
/// (`tests.test_login` ↔ `tests/test_login.py`, the longest such path first; with no class name, the case's
/// name, as pytest names a module skipped at collection) or the file's base name (`LoginTest` ↔ `src/LoginTest.java`);
/// and, for a one-file batch, that file.
///
/// A batch can hold hundreds of files and its report thousands of cases, and the last batch's judging is part
/// of the run's wall time: the lookups are indexed (dotted stems and base names in dictionaries, paths searched
/// for as bytes), so attributing a case costs little more than one pass over its candidates.
public struct ResultAttribution: Sendable {
    public let files: [String]
    /// Absolute roots that reports may prefix paths with (the worker's workspace).
    public let roots: [String]

    /// Longest path first, so `tests/a_test.sh` does not claim a case of `tests/a_test.sh.d/b`; as UTF-8.
    private let longestFirst: [(path: String, bytes: [UInt8])]
    private let fileSet: Set<String>
    /// Each file's path without extension, dotted (`tests/test_login.py` → `tests.test_login`), to its position
    /// in `files` (of two files that spell one stem, `a/b.py` and `a/b.sh`, the first).
    private let byDottedStem: [String: Int]
    /// Each file's base name without extension to the files that have it.
    private let byBaseStem: [String: [String]]

    public init(files: [String], roots: [String] = []) {
        self.files = files
        self.roots = roots.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        self.longestFirst = files.sorted { $0.count > $1.count }.map { ($0, Array($0.utf8)) }
        self.fileSet = Set(files)
        var dotted: [String: Int] = [:]
        var baseStems: [String: [String]] = [:]
        for (position, file) in files.enumerated() {
            let stem = Self.dropExtension(file).replacingOccurrences(of: "/", with: ".")
            if dotted[stem] == nil { dotted[stem] = position }
            baseStems[Self.dropExtension(Self.baseName(file)), default: []].append(file)
        }
        self.byDottedStem = dotted
        self.byBaseStem = baseStems
    }

    public func file(for testCase: TestCaseResult) -> String? {
        if let named = testCase.file.map(normalize), fileSet.contains(named) { return named }
        if let found = longestPath(in: testCase.name, or: testCase.className) { return found }
        // pytest names a whole module it skipped or could not collect by its dotted path, with no class name
        // (`<testcase classname="" name="tests.test_login">`).
        if let dotted = testCase.className ?? (testCase.name.contains(".") ? testCase.name : nil),
           let found = fileSpelled(byDotted: dotted) {
            return found
        }
        // A class name's last part, or a class-less case's name (pytest run from inside `tests/`, with no
        // configuration file, names a skipped module `test_login`), may be a file's base name.
        if let className = testCase.className ?? (testCase.name.isEmpty ? nil : testCase.name) {
            let lastComponent = className.split(separator: ".").last.map(String.init) ?? className
            if let byBaseName = byBaseStem[lastComponent], byBaseName.count == 1 { return byBaseName[0] }
        }
        return files.count == 1 ? files[0] : nil
    }

    /// The longest batch file whose path occurs in `name` or in `className`.
    private func longestPath(in name: String, or className: String?) -> String? {
        var name = name
        var className = className
        return name.withUTF8 { nameBytes in
            let search = { (classBytes: UnsafeBufferPointer<UInt8>?) -> String? in
                for candidate in longestFirst where Self.occurs(candidate.bytes, in: nameBytes)
                    || (classBytes.map { Self.occurs(candidate.bytes, in: $0) } ?? false) {
                    return candidate.path
                }
                return nil
            }
            guard className != nil else { return search(nil) }
            return className!.withUTF8 { search($0) }
        }
    }

    /// The file whose dotted stem is `dotted` or its longest prefix ending at a dot
    /// (`tests.test_login.TestForm` ↔ `tests/test_login.py`). The longest wins because it is the most
    /// specific: `tests.a.b.TestX` is a class of `tests/a/b.py` before it could be a nested class of `tests/a.py`.
    private func fileSpelled(byDotted dotted: String) -> String? {
        var prefix = Substring(dotted)
        while true {
            if let position = byDottedStem[String(prefix)] { return files[position] }
            guard let dot = prefix.lastIndex(of: ".") else { return nil }
            prefix = prefix[..<dot]
        }
    }

    private static func occurs(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return false }
        guard needle.count <= haystack.count, let base = haystack.baseAddress else { return false }
        return needle.withUnsafeBufferPointer { needle in
            let first = needle[0]
            var start = 0
            // Find each occurrence of the first byte, then compare the rest in place.
            while start + needle.count <= haystack.count {
                guard let hit = memchr(base + start, Int32(first), haystack.count - needle.count - start + 1) else {
                    return false
                }
                let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + offset, needle.baseAddress!, needle.count) == 0 { return true }
                start = offset + 1
            }
            return false
        }
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
