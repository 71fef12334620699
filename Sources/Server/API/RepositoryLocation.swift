import Foundation
import GitKit

/// Checks a pipeline's `repository`: a URL with a scheme Slipway can fetch from (`https`, `http`, `ssh`, `git`,
/// `file`), an scp-like `user@host:path`, or an absolute path to a git repository that exists and that the
/// service can open. Anything else is refused before it is stored, naming the field.
enum RepositoryLocation {
    static let schemes: Set<String> = ["https", "http", "ssh", "git", "file"]

    /// Why `raw` is not a repository location, or nil when it is one.
    static func problem(with raw: String) -> String? {
        if raw.isEmpty { return "cannot be empty" }
        if raw.count > 2048 { return "is longer than 2048 characters" }
        if raw.contains(where: { $0.isNewline || $0 == "\0" }) { return "must be one line" }
        if let schemeEnd = raw.range(of: "://") {
            let scheme = raw[..<schemeEnd.lowerBound].lowercased()
            guard schemes.contains(scheme) else {
                return "'\(scheme)://' is not a supported scheme (use https, http, ssh, git or file)"
            }
            guard let url = URL(string: raw) else { return "is not a valid URL" }
            if scheme == "file" { return url.path.isEmpty ? "a file:// URL needs a path" : nil }
            return (url.host ?? "").isEmpty ? "a \(scheme):// URL needs a host" : nil
        }
        if isSCPLike(raw) { return nil }
        guard raw.hasPrefix("/") else {
            return "expected a URL (https://…, ssh://…, git@host:path) or an absolute path to a git repository"
        }
        do {
            _ = try Repository.open(path: raw)
            return nil
        } catch {
            return "\(raw.prefix(200)) is not a git repository the service can open"
        }
    }

    /// The path on the service's machine that a valid location names (an absolute path, or a `file://` URL's
    /// path), or nil for a remote one.
    static func localPath(of raw: String) -> String? {
        if raw.hasPrefix("/") { return raw }
        if raw.lowercased().hasPrefix("file://"), let url = URL(string: raw) { return url.path }
        return nil
    }

    /// `user@host:path` (git's scp-like syntax): an `@` and then a `:` before any `/`.
    private static func isSCPLike(_ raw: String) -> Bool {
        guard let at = raw.firstIndex(of: "@"), let colon = raw[at...].firstIndex(of: ":") else { return false }
        let host = raw[raw.index(after: at)..<colon]
        return !host.isEmpty && !host.contains("/") && !raw[..<at].contains("/") && colon < raw.index(before: raw.endIndex)
    }
}
