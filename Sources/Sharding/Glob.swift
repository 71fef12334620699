import Foundation

/// A shell-style path glob, matched against `/`-separated paths relative to the app directory.
///
/// Supported syntax: `*` (any run of characters except `/`), `?` (one character except `/`),
/// `**` (any number of whole path segments, including none), `[abc]`, `[a-z]`, `[!abc]` / `[^abc]`,
/// and `{a,b}` alternatives. Everything else matches itself.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let regex: NSRegularExpression

    public var description: String { pattern }

    public init(_ pattern: String) throws(GlobError) {
        self.pattern = pattern
        let source = try Glob.regularExpression(for: pattern)
        do {
            regex = try NSRegularExpression(pattern: "^" + source + "$", options: [.dotMatchesLineSeparators])
        } catch {
            throw GlobError(pattern: pattern, reason: "it is not a valid pattern")
        }
    }

    public func matches(_ path: String) -> Bool {
        let range = NSRange(path.startIndex..<path.endIndex, in: path)
        return regex.firstMatch(in: path, options: [.anchored], range: range) != nil
    }

    public static func == (lhs: Glob, rhs: Glob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// Translates the glob into an (unanchored) regular expression.
    static func regularExpression(for pattern: String) throws(GlobError) -> String {
        let characters = Array(pattern)
        var output = ""
        var index = 0
        var braceDepth = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                let isDouble = index + 1 < characters.count && characters[index + 1] == "*"
                if isDouble {
                    let atSegmentStart = index == 0 || characters[index - 1] == "/"
                    let followedBySlash = index + 2 < characters.count && characters[index + 2] == "/"
                    let atEnd = index + 2 == characters.count
                    if atSegmentStart && followedBySlash {
                        output += "(?:[^/]*/)*"  // `**/`: zero or more whole directories
                        index += 3
                        continue
                    }
                    if atSegmentStart && atEnd {
                        output += ".*"
                        index += 2
                        continue
                    }
                    throw GlobError(pattern: pattern, reason: "`**` must be a whole path segment, as in `tests/**/*.py`")
                }
                output += "[^/]*"
            case "?":
                output += "[^/]"
            case "[":
                guard let close = characters[(index + 1)...].firstIndex(of: "]"), close > index + 1 else {
                    throw GlobError(pattern: pattern, reason: "`[` has no closing `]`")
                }
                var body = String(characters[(index + 1)..<close])
                if body.hasPrefix("!") { body = "^" + body.dropFirst() }
                body = body.replacingOccurrences(of: "\\", with: "\\\\")
                output += "[" + body + "]"
                index = close
            case "{":
                braceDepth += 1
                output += "(?:"
            case "}" where braceDepth > 0:
                braceDepth -= 1
                output += ")"
            case "," where braceDepth > 0:
                output += "|"
            default:
                output += NSRegularExpression.escapedPattern(for: String(character))
            }
            index += 1
        }
        if braceDepth > 0 { throw GlobError(pattern: pattern, reason: "`{` has no closing `}`") }
        return output
    }
}

/// A glob that cannot be used, with the reason.
public struct GlobError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pattern: String
    public var reason: String
    public var description: String { "test file pattern \"\(pattern)\": \(reason)" }
}
