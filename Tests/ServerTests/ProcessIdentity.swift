import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process as /proc shows it: its pid and its start time (clock ticks after boot), so a pid the kernel
/// hands to a new process later is not mistaken for it.
struct ProcessIdentity: Sendable, CustomStringConvertible {
    var pid: Int32
    var startTime: UInt64
    var command: String

    var description: String { "\(pid) \(command)" }

    /// Whether this very process still runs (a zombie waiting to be reaped does not count).
    var isAlive: Bool {
        guard let current = Self.read(pid) else { return false }
        return current.startTime == startTime && current.state != "Z"
    }

    /// The process `pid` is now, if it runs.
    static func of(_ pid: Int32) -> ProcessIdentity? {
        guard let stat = read(pid), stat.state != "Z" else { return nil }
        return ProcessIdentity(pid: pid, startTime: stat.startTime, command: stat.command)
    }

    /// Sends `signal` to this very process, and to nothing else: a pid the kernel has handed to a new process
    /// since is left alone. True if the signal was sent.
    @discardableResult
    func signal(_ signal: Int32) -> Bool {
        isAlive && kill(pid, signal) == 0
    }

    /// Every live descendant of `root`, found by walking parent ids over all of /proc.
    static func descendants(of root: Int32) -> [ProcessIdentity] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var children: [Int32: [Int32]] = [:]
        var identities: [Int32: ProcessIdentity] = [:]
        for entry in entries {
            guard let pid = Int32(entry), let stat = read(pid), stat.state != "Z" else { continue }
            children[stat.parent, default: []].append(pid)
            identities[pid] = ProcessIdentity(pid: pid, startTime: stat.startTime, command: stat.command)
        }
        var found: [ProcessIdentity] = []
        var queue = children[root] ?? []
        while let pid = queue.popLast() {
            if let identity = identities[pid] { found.append(identity) }
            queue += children[pid] ?? []
        }
        return found
    }

    /// State, parent and start time from /proc/<pid>/stat (fields after the command's parentheses).
    static func read(_ pid: Int32) -> (state: String, parent: Int32, startTime: UInt64, command: String)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let parent = Int32(fields[1]), let start = UInt64(fields[19]) else { return nil }
        return (String(fields[0]), parent, start, String(stat[stat.index(after: open)..<close]))
    }
}
