import CGit2

/// Who test-merge commits are made by. The time is taken from the inputs (see `testMerge`), so the
/// same target and head always give the same commit id: merges are reproducible and reusable.
public struct MergeIdentity: Sendable, Hashable {
    public var name: String
    public var email: String

    public init(name: String = "Slipway", email: String = "slipway@localhost") {
        self.name = name
        self.email = email
    }
}

extension RepositoryHandle {
    /// Merges `head` into `target` in memory, the way `git merge-tree --write-tree target head` does
    /// (rename detection on, recursive merge bases), and writes a real commit with parents
    /// `[target, head]` to the object database. Nothing is written when the merge conflicts.
    /// Returns the merge base too (the first of several for criss-cross histories, as `git merge-base`).
    func testMerge(target: ObjectID, head: ObjectID, message: String, identity: MergeIdentity) throws(GitError) -> (mergeBase: ObjectID?, outcome: MergeOutcome) {
        let bases = try mergeBases(target, head)
        guard let firstBase = bases.first else { return (nil, .unrelatedHistories) }
        let outcome = try withCommit(target) { (ours) throws(GitError) -> MergeOutcome in
            try withCommit(head) { (theirs) throws(GitError) -> MergeOutcome in
                let commitTime = max(git_commit_time(ours), git_commit_time(theirs))
                // One merge base: try the incremental tree merge first; it declines anything but the simple cases.
                if bases.count == 1,
                   let baseTree = try withCommit(firstBase, { git_commit_tree_id($0).pointee }) as git_oid?,
                   let tree = try mergeTreesIncrementally(base: baseTree, ours: git_commit_tree_id(ours).pointee,
                                                          theirs: git_commit_tree_id(theirs).pointee) {
                    let commitID = try writeMergeCommit(tree: tree, parents: [ours, theirs], message: message,
                                                        identity: identity, time: commitTime)
                    return .merged(commit: commitID, tree: ObjectID(tree))
                }
                let baseTree = try withCommit(firstBase) { RawOID(git_commit_tree_id($0).pointee) }
                return try fullMerge(ours: ours, theirs: theirs, baseTree: baseTree, target: target, head: head,
                                     message: message, identity: identity, time: commitTime)
            }
        }
        return (firstBase, outcome)
    }

    /// libgit2's complete merge: every case, conflicts reported by path.
    private func fullMerge(ours: OpaquePointer, theirs: OpaquePointer, baseTree: RawOID, target: ObjectID, head: ObjectID,
                           message: String, identity: MergeIdentity, time: Int64) throws(GitError) -> MergeOutcome {
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "cannot set up the merge")
        // REUC (resolve-undo) entries only matter for a checked-out index; we never write this one.
        options.flags |= GIT_MERGE_SKIP_REUC.rawValue

        var index: OpaquePointer?
        try check(git_merge_commits(&index, pointer, ours, theirs, &options),
                  "cannot merge \(head.short) into \(target.short)")
        defer { git_index_free(index) }

        if git_index_has_conflicts(index) == 1 {
            return .conflicts(try conflictingPaths(in: index!))
        }
        var treeOid = git_oid()
        try check(git_index_write_tree_to(&treeOid, index, pointer), "cannot write the merged tree")
        let misplaced = try directoryRenameConflicts(base: baseTree, ours: RawOID(git_commit_tree_id(ours).pointee),
                                                     theirs: RawOID(git_commit_tree_id(theirs).pointee), merged: RawOID(treeOid))
        if !misplaced.isEmpty { return .conflicts(misplaced) }
        let commitID = try writeMergeCommit(tree: treeOid, parents: [ours, theirs], message: message,
                                            identity: identity, time: time)
        return .merged(commit: commitID, tree: ObjectID(treeOid))
    }

    /// Every best common ancestor (more than one for criss-cross merges), best first.
    func mergeBases(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> [ObjectID] {
        var array = git_oidarray()
        var one = a.oid, two = b.oid
        let rc = git_merge_bases(&array, pointer, &one, &two)
        if rc == GIT_ENOTFOUND.rawValue { return [] }
        try check(rc, "cannot find the merge base of \(a.short) and \(b.short)")
        defer { git_oidarray_dispose(&array) }
        return (0..<array.count).map { ObjectID(array.ids[$0]) }
    }

    /// The conflicting paths, sorted and unique.
    private func conflictingPaths(in index: OpaquePointer) throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, index), "cannot list merge conflicts")
        defer { git_index_conflict_iterator_free(iterator) }
        var paths = Set<String>()
        var ancestor: UnsafePointer<git_index_entry>?
        var ours: UnsafePointer<git_index_entry>?
        var theirs: UnsafePointer<git_index_entry>?
        while true {
            let rc = git_index_conflict_next(&ancestor, &ours, &theirs, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "cannot list merge conflicts")
            // Name the conflict where it lives in the result, as git does: for a rename, the new name.
            let ancestorPath = ancestor?.pointee.path.map { String(cString: $0) }
            let sides = [ours, theirs].compactMap { $0?.pointee.path.map { String(cString: $0) } }
            let renamed = sides.filter { $0 != ancestorPath }
            if !renamed.isEmpty {
                paths.formUnion(renamed)
            } else if let path = sides.first ?? ancestorPath {
                paths.insert(path)
            }
        }
        return paths.sorted()
    }

    private func writeMergeCommit(tree treeOid: git_oid, parents: [OpaquePointer], message: String,
                                  identity: MergeIdentity, time: Int64) throws(GitError) -> ObjectID {
        var treeOid = treeOid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &treeOid), "cannot read the merged tree")
        defer { git_tree_free(tree) }
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&signature, identity.name, identity.email, time, 0), "invalid merge identity")
        defer { git_signature_free(signature) }
        var commitOid = git_oid()
        var parentPointers: [OpaquePointer?] = parents
        let rc = parentPointers.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitOid, pointer, nil, signature, signature, nil, message, tree,
                              buffer.count, buffer.baseAddress)
        }
        try check(rc, "cannot write the merge commit")
        return ObjectID(commitOid)
    }
}
