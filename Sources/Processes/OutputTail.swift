import Foundation

/// The last lines of a command's output file, for failure messages: only the file's last `maximumBytes` are read,
/// and a line cut by that window is dropped.
public enum OutputTail {
    public static func read(_ path: String, lines: Int = 30, maximumBytes: Int = 16 * 1024) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(maximumBytes) ? size - UInt64(maximumBytes) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        if start > 0, let firstBreak = text.firstIndex(of: "\n") { text = String(text[text.index(after: firstBreak)...]) }
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
        return kept.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}
