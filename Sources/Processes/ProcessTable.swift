import Foundation

/// Reads `/proc` (Linux) to find which processes exist and which group they belong to.
public enum ProcessTable {
    /// Whether a process with this pid exists and is not a zombie.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return fields(of: stat).map { $0.state != "Z" } ?? false
    }

    /// Live (non-zombie) processes whose process group is `group`.
    public static func members(ofGroup group: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let parsed = fields(of: stat) else { return false }
            return parsed.group == group && parsed.state != "Z"
        }.sorted()
    }

    /// `/proc/PID/stat` is `pid (comm) state ppid pgrp …`; comm may contain spaces and parentheses.
    private static func fields(of stat: String) -> (state: Character, group: Int32)? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        guard rest.count > 3, let state = rest[0].first, let group = Int32(rest[2]) else { return nil }
        return (state, group)
    }
}
