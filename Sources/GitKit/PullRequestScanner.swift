import Foundation

/// Every pull request of a repository with its test merge onto the target tip.
public struct PullRequestScan: Sendable {
    /// The target branch's full ref name, e.g. `refs/heads/main`.
    public var targetRef: String
    public var targetTip: ObjectID
    /// Sorted by pull request number.
    public var pullRequests: [PullRequestStatus]
    /// How many test merges were taken from the previous scan and how many were computed now.
    public var reused: Int
    public var computed: Int
}

/// Lists pull requests and computes their test merges, reusing every merge whose inputs did not change
/// and spreading the rest over several repository handles (one per core).
///
/// For each pull request the merge commit is written to the object database and `refs/slipway/merge/<N>`
/// points at it; a conflicting pull request gets no commit and loses any stale merge ref. No branch moves.
public struct PullRequestScanner: Sendable {
    public var path: String
    public var targetBranch: String
    public var parallelism: Int
    public var identity: MergeIdentity
    /// A scan that writes at least this many merge refs packs references afterwards (`git pack-refs --all`).
    public var packReferencesAfter = 100
    /// False for a read-only scan (`pr status`): test merges missing from the cache are computed (their objects
    /// written, as any merge's are) but no ref is written or deleted and the cache is left as it is.
    public var writesRefs = true

    /// - Parameters:
    ///   - targetBranch: `main` or `refs/heads/main`.
    ///   - parallelism: repository handles used for merging; defaults to the number of cores.
    public init(path: String, targetBranch: String = "main", parallelism: Int? = nil, identity: MergeIdentity = MergeIdentity()) {
        self.path = path
        self.targetBranch = targetBranch
        self.parallelism = max(1, parallelism ?? ProcessInfo.processInfo.activeProcessorCount)
        self.identity = identity
    }

    public static let mergeRefPrefix = "refs/slipway/merge/"


    public static func mergeRef(_ number: Int) -> String { mergeRefPrefix + String(number) }

    public func scan() async throws(GitError) -> PullRequestScan {
        let primary = try Repository.open(path: path)
        let targetRef = targetBranch.hasPrefix("refs/") ? targetBranch : "refs/heads/" + targetBranch

        // One pass over all refs: the target, the pull requests and our own merge refs.
        var targetTip: ObjectID?
        var pulls: [PullRequestRef] = []
        var mergeRefs: [Int: ObjectID] = [:]
        for reference in try await primary.scanReferences(targetRef: targetRef, prefixes: ["refs/pull/", Self.mergeRefPrefix]) {
            if reference.name == targetRef {
                targetTip = reference.target
            } else if reference.name.hasPrefix("refs/pull/") {
                if let pull = PullRequestRef(reference: reference) { pulls.append(pull) }
            } else if reference.name.hasPrefix(Self.mergeRefPrefix),
                      let number = Int(reference.name.dropFirst(Self.mergeRefPrefix.count)) {
                mergeRefs[number] = reference.target
            }
        }
        guard let targetTip else {
            throw GitError(.notFound, "target branch '\(targetBranch)' not found in '\(path)'")
        }
        pulls.sort { $0.number < $1.number }

        var cache = TestMergeCache(gitDirectory: primary.gitDirectory, identity: identity)
        cache.load()
        var results: [Int: PullRequestStatus] = [:]
        var pending: [PullRequestRef] = []
        for pull in pulls {
            if let entry = cache[pull.number], entry.head == pull.head, entry.target == targetTip,
               Self.mergeRefMatches(entry.outcome, mergeRefs[pull.number]) {
                results[pull.number] = PullRequestStatus(number: pull.number, head: pull.head, target: targetTip,
                                                         mergeBase: entry.mergeBase, outcome: entry.outcome)
            } else {
                pending.append(pull)
            }
        }

        let computed = try await merge(pending, onto: targetTip, first: primary)
        for status in computed {
            results[status.number] = status
            cache[status.number] = .init(head: status.head, target: status.target, mergeBase: status.mergeBase, outcome: status.outcome)
        }

        guard writesRefs else {
            return PullRequestScan(targetRef: targetRef, targetTip: targetTip,
                                   pullRequests: pulls.compactMap { results[$0.number] },
                                   reused: results.count - computed.count, computed: computed.count)
        }
        // A scan that wrote many merge refs packs them, so later scans read one file, not a thousand.
        if computed.count >= packReferencesAfter {
            try await primary.packReferences()
        }

        // Merge refs of pull requests that are gone.
        let open = Set(pulls.map(\.number))
        for number in mergeRefs.keys where !open.contains(number) {
            try await primary.deleteReference(Self.mergeRef(number))
        }
        cache.retain(numbers: open)
        if !computed.isEmpty || cache.entries.count != results.count || mergeRefs.keys.contains(where: { !open.contains($0) }) {
            cache.save()
        }
        return PullRequestScan(targetRef: targetRef, targetTip: targetTip,
                               pullRequests: pulls.compactMap { results[$0.number] },
                               reused: results.count - computed.count, computed: computed.count)
    }

    private static func mergeRefMatches(_ outcome: MergeOutcome, _ ref: ObjectID?) -> Bool {
        if case .merged(let commit, _) = outcome { return ref == commit }
        return ref == nil
    }

    /// Computes the test merges of `pulls`, each handle taking the next pull request from a shared queue.
    private func merge(_ pulls: [PullRequestRef], onto target: ObjectID, first: Repository) async throws(GitError) -> [PullRequestStatus] {
        guard !pulls.isEmpty else { return [] }
        let workers = min(parallelism, pulls.count)
        var handles = [first]
        for _ in 1..<workers {
            handles.append(try Repository.open(path: path))
        }
        let queue = WorkQueue(count: pulls.count)
        let identity = self.identity
        let writesRefs = self.writesRefs
        do {
            return try await withThrowingTaskGroup(of: [PullRequestStatus].self) { group in
                for repository in handles {
                    group.addTask {
                        try await repository.attachMemoryPack()
                        var done: [PullRequestStatus] = []
                        while let index = queue.next() {
                            done.append(try await repository.testMergePullRequest(pulls[index], target: target, identity: identity))
                        }
                        // Objects first, then the refs that point at them.
                        try await repository.flushMemoryPack(mergeCommits: done.compactMap(\.mergeCommit))
                        if writesRefs { try await repository.updateMergeRefs(for: done) }
                        return done
                    }
                }
                var all: [PullRequestStatus] = []
                for try await part in group { all += part }
                return all
            }
        } catch let error as GitError {
            throw error
        } catch {
            throw GitError(.libgit2, "test merges failed: \(error)")
        }
    }
}

extension Repository {
    /// Computes one pull request's merge base and test merge. Writes objects, never refs.
    /// A pull request whose head is not a commit here is reported as `.failed`; it does not stop the scan.
    func testMergePullRequest(_ pull: PullRequestRef, target: ObjectID, identity: MergeIdentity) throws(GitError) -> PullRequestStatus {
        do {
            _ = try handle.commit(pull.head)
        } catch {
            return PullRequestStatus(number: pull.number, head: pull.head, target: target, mergeBase: nil,
                                     outcome: .failed("\(pull.refName) does not point at a commit: \(error.message)"))
        }
        let (base, outcome) = try handle.testMerge(
            target: target, head: pull.head,
            message: "Test merge of pull request #\(pull.number)\n\nHead \(pull.head.hex)\nTarget \(target.hex)\n",
            identity: identity)
        return PullRequestStatus(number: pull.number, head: pull.head, target: target, mergeBase: base, outcome: outcome)
    }

    /// Points `refs/slipway/merge/<N>` at each merge commit, and removes it for pull requests that did not merge.
    func updateMergeRefs(for statuses: [PullRequestStatus]) throws(GitError) {
        for status in statuses {
            let ref = PullRequestScanner.mergeRef(status.number)
            if let commit = status.mergeCommit {
                try setReference(ref, to: commit, message: "slipway: test merge of #\(status.number)")
            } else {
                try deleteReference(ref)
            }
        }
    }
}

/// Hands out indices 0..<count once each, to any number of concurrent workers.
/// `@unchecked Sendable`: `nextIndex` is only read and written while holding `lock`.
final class WorkQueue: @unchecked Sendable {  // safe: state only under `lock`
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}
