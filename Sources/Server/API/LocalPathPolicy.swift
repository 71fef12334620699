import Foundation

/// Which directories of the service's machine API callers may name: a deploy from a directory or a repository
/// path, and a pipeline on a local path or `file://` URL. `serve` allows its own data dir plus each
/// `--allow-path DIR`; without any flag, only URLs and the data dir's own repositories. A path is compared after
/// resolving symlinks and `..` (`realpath`), so a link inside an allowed root cannot lead out of it.
/// An API built without `serve` (tests of the API alone) is `unrestricted`.
public struct LocalPathPolicy: Sendable {
    /// The resolved roots, each ending in `/`; nil when any path may be named.
    let roots: [String]?

    public static let unrestricted = LocalPathPolicy(roots: nil)

    init(roots: [String]?) {
        self.roots = roots
    }

    /// The roots `serve` allows: its data dir and the `--allow-path` directories.
    public init(dataDirectory: URL, allowed: [URL]) {
        roots = ([dataDirectory] + allowed).map { Self.resolved($0.path) ?? $0.standardizedFileURL.path }
            .map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    }

    /// Why the API may not read `path` (named `field` in the answer), or nil when it may. A path that does not
    /// exist is left to the caller's own check ("not a directory", "not a repository").
    func refusal(of path: String?, field: String) -> APIError? {
        guard let roots, let path, let real = Self.resolved(path) else { return nil }
        if roots.contains(where: { (real + "/").hasPrefix($0) }) { return nil }
        return APIError(.forbidden, id: "path_not_allowed",
                        "\(field): \(path.prefix(200)) is outside the directories this service may read: its data dir and "
                        + "each `serve --allow-path DIR` (start serve with --allow-path for it)", field: field)
    }

    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
