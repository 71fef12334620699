import Foundation

/// Remembers, per pull request, the test merge computed for a (target tip, head) pair, so a later scan
/// recomputes only the pull requests whose head or target moved.
///
/// Stored in `<git dir>/slipway/test-merges`, one line per pull request:
/// `number TAB head TAB target TAB base|- TAB merge|- TAB tree|- TAB state TAB conflict paths (TAB-separated, %-escaped)`.
/// The file is only a hint: an entry is used when its head and target match the refs as they are now and,
/// for a merged entry, `refs/slipway/merge/<N>` still points at its commit. A damaged file is ignored.
struct TestMergeCache {
    struct Entry: Equatable {
        var head: ObjectID
        var target: ObjectID
        var mergeBase: ObjectID?
        var outcome: MergeOutcome
    }

    private(set) var entries: [Int: Entry] = [:]
    private let fileURL: URL
    private let header: String

    init(gitDirectory: String, identity: MergeIdentity) {
        fileURL = URL(fileURLWithPath: gitDirectory).appendingPathComponent("slipway/test-merges")
        header = "slipway-test-merges 1 \(Self.escape(identity.name)) \(Self.escape(identity.email))"
    }

    subscript(number: Int) -> Entry? {
        get { entries[number] }
        set { entries[number] = newValue }
    }

    /// Keeps only the entries of these pull requests.
    mutating func retain(numbers: Set<Int>) {
        entries = entries.filter { numbers.contains($0.key) }
    }

    mutating func load() {
        guard let data = try? Data(contentsOf: fileURL) else { return }
        // Split bytes, not Characters: parsing this file is a large part of a warm scan.
        let bytes = [UInt8](data)
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard let first = lines.first, String(decoding: first, as: UTF8.self) == header else { return }
        lines.removeFirst()
        for line in lines {
            if let (number, entry) = Self.parse(line) { entries[number] = entry }
        }
    }

    /// Writes the cache atomically (temporary file + rename); a failure only costs the next scan time.
    func save() {
        var text = header + "\n"
        for (number, entry) in entries.sorted(by: { $0.key < $1.key }) {
            var fields = [String(number), entry.head.hex, entry.target.hex, entry.mergeBase?.hex ?? "-"]
            switch entry.outcome {
            case .merged(let commit, let tree):
                fields += [commit.hex, tree.hex, "merged"]
            case .conflicts(let paths):
                fields += ["-", "-", "conflicts"] + paths.map(Self.escape)
            case .unrelatedHistories:
                fields += ["-", "-", "unrelated"]
            case .failed:
                continue  // never cached: the next scan tries again
            }
            text += fields.joined(separator: "\t") + "\n"
        }
        let directory = fileURL.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: fileURL, options: .atomic)
    }

    private static func parse(_ line: ArraySlice<UInt8>) -> (Int, Entry)? {
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard fields.count >= 7, let number = Int(fields[0]),
              let head = ObjectID(hex: fields[1]), let target = ObjectID(hex: fields[2]) else { return nil }
        let base = ObjectID(hex: fields[3])
        let outcome: MergeOutcome
        switch fields[6] {
        case "merged":
            guard let commit = ObjectID(hex: fields[4]), let tree = ObjectID(hex: fields[5]) else { return nil }
            outcome = .merged(commit: commit, tree: tree)
        case "conflicts":
            outcome = .conflicts(fields.dropFirst(7).map { unescape($0) })
        case "unrelated":
            outcome = .unrelatedHistories
        default:
            return nil
        }
        return (number, Entry(head: head, target: target, mergeBase: base, outcome: outcome))
    }

    /// Escapes the characters the line format uses (`%`, tab, newline, space in the header).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\t", with: "%09")
            .replacingOccurrences(of: "\n", with: "%0A").replacingOccurrences(of: " ", with: "%20")
    }

    static func unescape(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }
}
