import Foundation
import GitKit

/// A pipeline's bare mirror under `<data-dir>/mirrors/<pipeline>.git`, kept fresh through libgit2.
///
/// Branches and pull-request heads are fetched with force and prune (`+refs/heads/*`, `+refs/pull/*/head`),
/// so the mirror is exactly what the origin shows; Slipway's own refs (`refs/slipway/…`) are never fetched
/// over and never pruned.
public struct PipelineMirror: Sendable {
    public static let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/pull/*/head:refs/pull/*/head"]

    /// The bare mirror repository.
    public let path: String
    /// Where it is fetched from: a path or URL (never shown in messages; it may carry credentials).
    public let origin: String
    public let targetBranch: String

    public init(root: URL, pipeline: String, origin: String, targetBranch: String) {
        self.path = root.appendingPathComponent("\(pipeline).git").path
        self.origin = origin
        self.targetBranch = targetBranch
    }

    /// The full name of the target branch.
    public var targetRef: String {
        targetBranch.hasPrefix("refs/") ? targetBranch : "refs/heads/\(targetBranch)"
    }

    /// Creates the mirror when missing and fetches from the origin; returns the mirror repository.
    public func refresh() async throws(GitError) -> Repository {
        let repository = try Repository.initBare(path: path)
        try await repository.fetch(from: origin, refspecs: Self.refspecs, prune: true)
        return repository
    }

    /// Every pull request with its test merge onto the current target tip (merge refs written in the mirror).
    public func scan() async throws(GitError) -> PullRequestScan {
        try await PullRequestScanner(path: path, targetBranch: targetBranch).scan()
    }

    /// The pull requests as the mirror has them now, without fetching and without writing a ref (what a read
    /// such as `pr status` may do; only reconciliation and the gate fetch and write).
    public func read() async throws(GitError) -> PullRequestScan {
        var scanner = PullRequestScanner(path: path, targetBranch: targetBranch)
        scanner.writesRefs = false
        return try await scanner.scan()
    }

    /// Whether the mirror has been fetched at least once.
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The origin as a plain local path (the gate writes there directly: objects copied, ref swapped), or nil
    /// for a URL (`file://`, `https://`, `ssh://`, `user@host:path`), which the gate pushes to.
    public var localOriginPath: String? {
        if origin.contains("://") || (origin.contains("@") && origin.contains(":")) { return nil }
        return origin
    }
}
