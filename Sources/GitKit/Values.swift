import Foundation

/// A direct reference and the object it points to (symbolic references are resolved to their target).
public struct Reference: Sendable, Hashable, Codable {
    /// Full name, e.g. `refs/heads/main`.
    public var name: String
    public var target: ObjectID

    public init(name: String, target: ObjectID) {
        self.name = name
        self.target = target
    }

    /// `main` for `refs/heads/main`; the full name for anything else.
    public var shortName: String {
        name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
    }
}

/// Who made a commit and when.
public struct Signature: Sendable, Hashable, Codable {
    public var name: String
    public var email: String
    /// Seconds since 1970.
    public var time: Int64
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(time)) }
}

/// What a commit says about itself.
public struct CommitInfo: Sendable, Hashable, Codable {
    public var id: ObjectID
    public var tree: ObjectID
    public var parents: [ObjectID]
    public var author: Signature
    public var committer: Signature
    public var message: String

    /// The first line of the message.
    public var summary: String {
        String(message.prefix(while: { $0 != "\n" }))
    }
    /// Committer time, seconds since 1970.
    public var time: Int64 { committer.time }
}

/// A pull request as the repository shows it: the ref `refs/pull/<number>/head`.
public struct PullRequestRef: Sendable, Hashable, Codable {
    public var number: Int
    public var head: ObjectID

    public init(number: Int, head: ObjectID) {
        self.number = number
        self.head = head
    }

    public var refName: String { "refs/pull/\(number)/head" }
}

/// The outcome of merging a head into a target in memory.
public enum MergeOutcome: Sendable, Hashable {
    /// A real commit with parents `[target, head]` was written to the object database.
    case merged(commit: ObjectID, tree: ObjectID)
    /// The merge conflicts at these paths (sorted); nothing was written.
    case conflicts([String])
    /// Head and target share no history; like `git merge-tree`, Slipway refuses to merge them.
    case unrelatedHistories
    /// The pull request could not be merged at all (its head is not a commit in this repository, say).
    case failed(String)
}

/// A pull request with its test merge onto the target tip.
public struct PullRequestStatus: Sendable, Hashable {
    public var number: Int
    public var head: ObjectID
    /// The target branch's tip the merge was computed against.
    public var target: ObjectID
    /// The best common ancestor of head and target, nil for unrelated histories.
    public var mergeBase: ObjectID?
    public var outcome: MergeOutcome

    public init(number: Int, head: ObjectID, target: ObjectID, mergeBase: ObjectID?, outcome: MergeOutcome) {
        self.number = number
        self.head = head
        self.target = target
        self.mergeBase = mergeBase
        self.outcome = outcome
    }

    public var mergeable: Bool {
        if case .merged = outcome { return true }
        return false
    }
    public var mergeCommit: ObjectID? {
        if case .merged(let commit, _) = outcome { return commit }
        return nil
    }
    public var conflicts: [String] {
        if case .conflicts(let paths) = outcome { return paths }
        return []
    }
    /// True when the head is already contained in the target.
    public var alreadyMerged: Bool { mergeBase == head }
}

/// How a path differs between two trees.
public struct ChangedPath: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        case added, deleted, modified, renamed, copied, typeChanged
    }
    public var status: Status
    /// The path in the newer tree (for a deletion, the path that was removed).
    public var path: String
    /// For renames and copies, the path in the older tree.
    public var oldPath: String?

    public init(status: Status, path: String, oldPath: String? = nil) {
        self.status = status
        self.path = path
        self.oldPath = oldPath
    }
}
