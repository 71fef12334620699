import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the process groups of this process's dynos, so they can be recorded in the store and killed by
/// the next `serve` after a crash (`StartupRecovery`).
///
/// `AppRuntime` does not report process ids, so they are read from Linux's /proc: a dyno is a child of
/// this process whose environment names it (`SLIPWAY_APP`, `DYNO`, `SLIPWAY_RELEASE`). Where /proc does
/// not exist nothing is found and dyno records carry no process group.
enum DynoProcessFinder {
    struct Key: Hashable {
        var app: String
        var dyno: String
        var release: String
    }

    /// Process group by dyno, for the children of this process that are dynos.
    static func processGroups() -> [Key: (pid: Int32, pgid: Int32)] {
        let me = getpid()
        var found: [Key: (pid: Int32, pgid: Int32)] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), parent(of: pid) == me,
                  let environment = environment(of: pid),
                  let app = environment["SLIPWAY_APP"], let dyno = environment["DYNO"], let release = environment["SLIPWAY_RELEASE"]
            else { continue }
            let group = getpgid(pid)
            guard group > 1 else { continue }
            found[Key(app: app, dyno: dyno, release: release)] = (pid, group)
        }
        return found
    }

    /// Whether process group `group` still holds the named dyno (a member whose environment has
    /// `SLIPWAY_APP=app` and `DYNO=dyno`). A recorded group id outlives its processes and may be reused by
    /// an unrelated group, which must never be killed. Without /proc there is no way to tell: true.
    static func groupHoldsDyno(_ group: Int32, app: String, dyno: String) -> Bool {
        guard FileManager.default.fileExists(atPath: "/proc/self/stat") else { return true }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), getpgid(pid) == group, let environment = environment(of: pid) else { continue }
            if environment["SLIPWAY_APP"] == app && environment["DYNO"] == dyno { return true }
        }
        return false
    }

    /// The parent pid from /proc/<pid>/stat (the field after the state, past the command's parentheses).
    private static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// The variables this finder needs from /proc/<pid>/environ (NUL-separated `KEY=value`).
    private static func environment(of pid: Int32) -> [String: String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            guard let text = String(bytes: entry, encoding: .utf8), let equals = text.firstIndex(of: "=") else { continue }
            let key = String(text[..<equals])
            if key == "SLIPWAY_APP" || key == "DYNO" || key == "SLIPWAY_RELEASE" {
                result[key] = String(text[text.index(after: equals)...])
            }
        }
        return result
    }
}
