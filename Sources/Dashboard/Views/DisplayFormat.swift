import Foundation

/// How the dashboard writes times, durations, ratios and commit ids: short, in words a person reads at a glance.
enum DisplayFormat {
    /// `just now`, `5 min ago`, `3 h ago`, `2 d ago`. Minutes at the finest, so a page that polls while
    /// something runs is not different every second only because of its ages (its ETag stays the same).
    static func age(of date: Date, now: Date) -> String {
        let seconds = max(0, now.timeIntervalSince(date))
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return "\(Int(seconds / 60)) min ago"
        case ..<86_400: return "\(Int(seconds / 3600)) h ago"
        default: return "\(Int(seconds / 86_400)) d ago"
        }
    }

    /// `0.42 s`, `12.3 s`, `2 min 05 s`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// A ratio as a whole percentage: `87 %`.
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "–" }
        return "\(Int((ratio * 100).rounded())) %"
    }

    /// The first 7 characters of a commit id (or build id), as git abbreviates them.
    static func shortID(_ id: String) -> String { String(id.prefix(7)) }

    /// `2026-11-26 20:31:02 UTC`, for `title` attributes next to an age.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(dateTimeSeparator: .space, timeZone: TimeZone(identifier: "UTC")!)
            .year().month().day().time(includingFractionalSeconds: false)) + " UTC"
    }

    /// `2026-11-26T20:31:02Z`, for `<time datetime>`.
    static func machineTime(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// A repository location without any credentials a URL may carry (`https://user:pw@host/x` →
    /// `https://***@host/x`). As in GitKit's messages, everything from `://` to the last `@` of the word goes,
    /// since a password may itself contain `/` or `@` (over-redacting a path with an `@` is the safe side).
    static func repository(_ location: String) -> String {
        guard let scheme = location.range(of: "://") else { return location }
        let rest = location[scheme.upperBound...]
        let wordEnd = rest.firstIndex(where: { $0 == " " || $0 == "\n" }) ?? rest.endIndex
        guard let at = rest[..<wordEnd].lastIndex(of: "@") else { return location }
        return String(location[..<scheme.upperBound]) + "***" + String(rest[at...])
    }

    /// The last `lines` lines of `text`.
    static func tail(_ text: String, lines: Int) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        return all.count <= lines ? text : all.suffix(lines).joined(separator: "\n")
    }
}
