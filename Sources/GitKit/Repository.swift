import Foundation

/// A git repository, read and written through libgit2.
///
/// The actor is the one serializing owner of a libgit2 repository handle; it runs on a thread of its
/// own (see `ThreadExecutor`) and hands out only `Sendable` values. Open several `Repository` values on
/// the same path to use several cores: libgit2 is thread-safe with one handle per thread.
public actor Repository {
    let handle: RepositoryHandle
    private let executor: ThreadExecutor

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// The path the repository was opened from.
    public nonisolated let path: String
    /// The `.git` directory, or the repository itself when bare (with a trailing slash).
    public nonisolated let gitDirectory: String
    public nonisolated let isBare: Bool

    private init(handle: RepositoryHandle, executor: ThreadExecutor) {
        self.handle = handle
        self.executor = executor
        self.path = handle.path
        self.gitDirectory = handle.gitDirectory
        self.isBare = handle.isBare
    }

    deinit {
        executor.shutdown()
    }

    /// Opens the repository at `path` (a work tree or a bare repository). No upward search.
    public static func open(path: String) throws(GitError) -> Repository {
        Repository(handle: try RepositoryHandle.open(path: path), executor: ThreadExecutor(name: "git"))
    }

    /// Creates an empty bare repository at `path`, or opens the one already there.
    public static func initBare(path: String) throws(GitError) -> Repository {
        Repository(handle: try RepositoryHandle.initBare(path: path), executor: ThreadExecutor(name: "git"))
    }

    // MARK: References

    /// Every reference whose name starts with `prefix`, sorted by name, symbolic ones resolved.
    public func references(prefix: String = "refs/") throws(GitError) -> [Reference] {
        try handle.references(prefix: prefix)
    }

    /// The target branch and the refs under `prefixes`, in storage order (see `RepositoryHandle.scanReferences`).
    func scanReferences(targetRef: String, prefixes: [String]) throws(GitError) -> [Reference] {
        try handle.scanReferences(targetRef: targetRef, prefixes: prefixes)
    }

    /// Local branches (`refs/heads/*`).
    public func branches() throws(GitError) -> [Reference] {
        try handle.references(prefix: "refs/heads/")
    }

    /// The object the named reference points to, or nil when it does not exist.
    public func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        try handle.referenceTarget(name)
    }

    /// Pull requests: the refs `refs/pull/<N>/head` with a decimal N, sorted by number; other refs are ignored.
    public func pullRequests() throws(GitError) -> [PullRequestRef] {
        try handle.references(prefix: "refs/pull/").compactMap(PullRequestRef.init(reference:))
            .sorted { $0.number < $1.number }
    }

    /// Points `name` at `target`, creating or overwriting it.
    public func setReference(_ name: String, to target: ObjectID, message: String = "slipway") throws(GitError) {
        try handle.setReference(name, to: target, message: message)
    }

    /// Packs loose references into `packed-refs` (`git pack-refs --all`).
    public func packReferences() throws(GitError) {
        try handle.packReferences()
    }

    public func deleteReference(_ name: String) throws(GitError) {
        try handle.deleteReference(name)
    }

    /// Moves `name` to `new` only if it is still at `expected` (nil: only if it does not exist).
    /// Throws `GitError` with code `.refMoved` (or `.refExists`) and writes nothing when it is not.
    public func compareAndSwap(_ name: String, expected: ObjectID?, new: ObjectID, message: String = "slipway: gate") throws(GitError) {
        try handle.compareAndSwap(name, expected: expected, new: new, message: message)
    }

    // MARK: Objects

    /// Resolves a revision (`main`, `refs/pull/3/head`, `HEAD~1`, an id or prefix) to a commit id.
    public func resolve(_ revision: String) throws(GitError) -> ObjectID {
        try handle.resolve(revision)
    }

    public func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
        try handle.commit(id)
    }

    /// The best common ancestor, or nil for unrelated histories.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        try handle.mergeBase(a, b)
    }

    public func contains(_ id: ObjectID) -> Bool {
        handle.contains(id)
    }

    /// Merges `head` into `target` in memory and writes a commit with parents `[target, head]`, or
    /// reports the conflicting paths (or unrelated histories) and writes nothing: the merge's objects are
    /// held in memory and written, as one pack, only when the merge is clean. No reference is touched.
    public func testMerge(target: ObjectID, head: ObjectID, message: String? = nil,
                          identity: MergeIdentity = MergeIdentity()) throws(GitError) -> MergeOutcome {
        try handle.attachMemoryPack()
        do {
            let outcome = try handle.testMerge(target: target, head: head,
                                               message: message ?? "Test merge of \(head.short) into \(target.short)\n",
                                               identity: identity).outcome
            if case .merged(let commit, _) = outcome {
                try handle.flushMemoryPack(mergeCommits: [commit])
            } else {
                handle.discardMemoryPack()
            }
            return outcome
        } catch {
            handle.discardMemoryPack()
            throw error
        }
    }

    /// The paths that differ between two commits' trees, with renames detected.
    public func changedPaths(from old: ObjectID, to new: ObjectID) throws(GitError) -> [ChangedPath] {
        try handle.changedPaths(from: old, to: new)
    }

    /// Writes the tree of `commit` into `directory` (absent or empty); returns the number of files written.
    @discardableResult
    public func exportTree(of commit: ObjectID, to directory: String) throws(GitError) -> Int {
        try handle.exportTree(of: commit, to: directory)
    }

    /// Collects new objects in memory until `flushMemoryPack` writes them as one pack (batch writers only).
    func attachMemoryPack() throws(GitError) {
        try handle.attachMemoryPack()
    }

    /// Writes the new objects of these merge commits as one pack; see `RepositoryHandle.flushMemoryPack`.
    func flushMemoryPack(mergeCommits: [ObjectID]) throws(GitError) {
        try handle.flushMemoryPack(mergeCommits: mergeCommits)
    }

    /// Writes a commit: `parent`'s tree (or an empty one) with `changes` applied. No ref moves.
    public func commit(parent: ObjectID?, changes: [FileChange], message: String,
                       identity: MergeIdentity = MergeIdentity(), time: Date = Date()) throws(GitError) -> ObjectID {
        try handle.commit(parent: parent, changes: changes, message: message, identity: identity, time: time)
    }

    /// The content of the file at `path` in `commit`'s tree; nil when the path names no file.
    public func readFile(_ path: String, at commit: ObjectID) throws(GitError) -> Data? {
        try handle.readFile(path, at: commit)
    }

    /// Copies the objects reachable from `commit` that the repository at `path` lacks into it (a local
    /// "push" without moving any ref); returns how many were copied.
    @discardableResult
    public func copyObjects(reachableFrom commit: ObjectID, toRepositoryAt path: String) throws(GitError) -> Int {
        let destination = try RepositoryHandle.open(path: path)
        return try handle.copyObjects(reachableFrom: commit, to: destination)
    }

    /// Pushes `commit` to `remote` as `destination` (`refs/heads/main`), fast-forward only, so a moved target
    /// is `refMoved` and nothing changes there. `remote` is a `file://` URL to a bare repository or a URL with
    /// its credentials. libgit2 pushes references, not ids, so the commit goes out through a temporary ref.
    public func push(_ commit: ObjectID, to remote: String, as destination: String) throws(GitError) {
        let temporary = "refs/slipway/push/\(commit.hex)"
        try handle.setReference(temporary, to: commit, message: "slipway: push")
        defer { try? handle.deleteReference(temporary) }
        try handle.push(remote: remote, refspecs: ["\(temporary):\(destination)"])
    }

    /// Fetches `refspecs` from a path or `file://` URL, e.g. `+refs/pull/*/head:refs/pull/*/head`.
    public func fetch(from remote: String, refspecs: [String], prune: Bool = false) throws(GitError) {
        try handle.fetch(remote: remote, refspecs: refspecs, prune: prune)
    }
}

extension PullRequestRef {
    /// Parses `refs/pull/<N>/head` with a positive decimal N; anything else is not a pull request.
    init?(reference: Reference) {
        let name = reference.name.utf8
        let prefix = "refs/pull/".utf8, suffix = "/head".utf8
        guard name.count > prefix.count + suffix.count, name.starts(with: prefix), name.reversed().starts(with: suffix.reversed()) else {
            return nil
        }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        // Decimal without leading zeros: `refs/pull/01/head` is not a second name for pull request 1.
        guard (1...9).contains(digits.count), digits.first != 0x30, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        let number = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard number > 0 else { return nil }
        self.init(number: number, head: reference.target)
    }
}
