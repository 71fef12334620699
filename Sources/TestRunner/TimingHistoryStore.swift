import Foundation
import Sharding

/// Reads and writes the timing history file.
enum TimingHistoryStore {
    /// The history at `url`; an absent or unreadable file is an empty history (it is a cache, rebuilt by the
    /// next run), reported through `problem`.
    static func load(_ url: URL) -> (history: TimingHistory, problem: String?) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return (TimingHistory(), nil) }
        do {
            let history = try JSONDecoder().decode(TimingHistory.self, from: data)
            guard history.version == TimingHistory.currentVersion else {
                return (TimingHistory(), "\(url.path) has version \(history.version); starting a new history")
            }
            return (history, nil)
        } catch {
            return (TimingHistory(), "\(url.path) is not a timing history (\(error)); starting a new one")
        }
    }

    /// Writes atomically (temporary file + rename), creating the directory.
    static func save(_ history: TimingHistory, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(history).write(to: url, options: .atomic)
    }
}
