import CGit2

/// A three-way merge of trees that only looks at what changed.
///
/// libgit2's `git_merge_commits` expands all three trees into full indexes, so every merge costs time in
/// proportion to the size of the repository. This merge walks the trees top-down and stops at every
/// subtree that one side left alone, so its cost follows the size of the change, as git's `ort` merge
/// does. It handles the cases that make up nearly every pull request: one-sided changes, identical
/// changes on both sides and text files edited on both sides that merge cleanly (with the same xdiff
/// merge libgit2 and git use). Anything else — a conflict, a deletion on both sides (a possible rename
/// on each), an add/add, a mode change, a file/directory clash — returns nil and the caller falls back to
/// libgit2's full merge, so results (and conflict reports) are always libgit2's or identical to them.
extension RepositoryHandle {
    /// Merges three trees; returns the id of the merged tree, or nil when the full merge must decide.
    func mergeTreesIncrementally(base: git_oid, ours: git_oid, theirs: git_oid) throws(GitError) -> git_oid? {
        let merged = try mergeDirectory(base: TreeEntry(id: RawOID(base), mode: TreeEntry.directoryMode),
                                        ours: TreeEntry(id: RawOID(ours), mode: TreeEntry.directoryMode),
                                        theirs: TreeEntry(id: RawOID(theirs), mode: TreeEntry.directoryMode),
                                        path: "")
        switch merged {
        case .entry(let entry?): return entry.id.oid
        case .entry(nil): return try emptyTreeID()
        case .fallBack: return nil
        }
    }

    private enum MergedEntry {
        /// The merged entry; nil when the path is gone (or a directory ended up empty).
        case entry(TreeEntry?)
        case fallBack
    }

    private func mergeDirectory(base: TreeEntry?, ours: TreeEntry, theirs: TreeEntry, path: String) throws(GitError) -> MergedEntry {
        let baseEntries = try base.map { (entry) throws(GitError) in try treeEntries(entry.id) } ?? [:]
        let ourEntries = try treeEntries(ours.id)
        let theirEntries = try treeEntries(theirs.id)
        var result: [String: TreeEntry] = ourEntries
        var changedFromOurs = false
        var names = Set(ourEntries.keys)
        names.formUnion(theirEntries.keys)
        names.formUnion(baseEntries.keys)
        for name in names {
            let b = baseEntries[name], o = ourEntries[name], t = theirEntries[name]
            let merged: TreeEntry?
            switch mergeEntry(base: b, ours: o, theirs: t) {
            case .take(let entry):
                merged = entry
            case .fallBack:
                return .fallBack
            case .bothChanged(let b, let o, let t):
                let childPath = path.isEmpty ? name : path + "/" + name
                if b.isDirectory && o.isDirectory && t.isDirectory {
                    switch try mergeDirectory(base: b, ours: o, theirs: t, path: childPath) {
                    case .entry(let entry): merged = entry
                    case .fallBack: return .fallBack
                    }
                } else if b.isRegularFile && o.mode == b.mode && t.mode == b.mode, usesBuiltInTextMerge(childPath),
                          let blob = try mergeBlobs(base: b.id, ours: o.id, theirs: t.id, path: childPath) {
                    merged = TreeEntry(id: blob, mode: b.mode)
                } else {
                    return .fallBack
                }
            }
            if merged != o {
                changedFromOurs = true
                result[name] = merged
            }
        }
        if !changedFromOurs { return .entry(ours) }
        if result.isEmpty { return .entry(nil) }
        return .entry(TreeEntry(id: try writeTree(result), mode: TreeEntry.directoryMode))
    }

    private enum EntryDecision {
        case take(TreeEntry?)
        case bothChanged(TreeEntry, TreeEntry, TreeEntry)
        case fallBack
    }

    /// The trivial three-way rules; anything they cannot settle on their own is left to the caller.
    private func mergeEntry(base: TreeEntry?, ours: TreeEntry?, theirs: TreeEntry?) -> EntryDecision {
        if ours == theirs {
            // Deleted on both sides: each may be half of a rename (rename/rename, rename/delete).
            if ours == nil && base != nil { return .fallBack }
            return .take(ours)
        }
        if base == ours { return .take(theirs) }
        if base == theirs { return .take(ours) }
        guard let base, let ours, let theirs else { return .fallBack }
        return .bothChanged(base, ours, theirs)
    }

    /// A clean three-way text merge of three blobs written as a new blob; nil when it conflicts or when
    /// any side is binary (libgit2's full merge then decides and reports the conflict).
    private func mergeBlobs(base: RawOID, ours: RawOID, theirs: RawOID, path: String) throws(GitError) -> RawOID? {
        try withBlobInput(base, path: path) { (baseInput) throws(GitError) -> RawOID? in
            try withBlobInput(ours, path: path) { (ourInput) throws(GitError) -> RawOID? in
                try withBlobInput(theirs, path: path) { (theirInput) throws(GitError) -> RawOID? in
                    guard var a = baseInput, var o = ourInput, var t = theirInput else { return nil }
                    var options = git_merge_file_options()
                    try check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "cannot set up a file merge")
                    var result = git_merge_file_result()
                    try check(git_merge_file(&result, &a, &o, &t, &options), "cannot merge '\(path)'")
                    defer { git_merge_file_result_free(&result) }
                    guard result.automergeable == 1 else { return nil }
                    var blob = git_oid()
                    try check(git_blob_create_from_buffer(&blob, pointer, result.ptr, result.len), "cannot write '\(path)'")
                    return RawOID(blob)
                }
            }
        }
    }

    /// True when git would merge `path` with its built-in text merge: no `-merge`, `binary`, `merge=union`
    /// or custom driver in `.gitattributes` / `info/attributes`. Anything else goes to libgit2's full merge,
    /// which applies the attributes itself.
    private func usesBuiltInTextMerge(_ path: String) -> Bool {
        var value: UnsafePointer<CChar>?
        guard git_attr_get(&value, pointer, UInt32(GIT_ATTR_CHECK_FILE_THEN_INDEX), path, "merge") == 0 else { return false }
        switch git_attr_value(value) {
        case GIT_ATTR_VALUE_UNSPECIFIED, GIT_ATTR_VALUE_TRUE: return true
        case GIT_ATTR_VALUE_STRING: return value.map { String(cString: $0) } == "text"
        default: return false
        }
    }

    /// Runs `body` with the blob as a merge input (nil for binary content); the blob lives until `body` returns.
    private func withBlobInput<T>(_ id: RawOID, path: String, _ body: (git_merge_file_input?) throws(GitError) -> T) throws(GitError) -> T {
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "cannot read '\(path)'")
        defer { git_blob_free(blob) }
        if git_blob_is_binary(blob) == 1 { return try body(nil) }
        var input = git_merge_file_input()
        try check(git_merge_file_input_init(&input, UInt32(GIT_MERGE_FILE_INPUT_VERSION)), "cannot set up a file merge")
        input.ptr = git_blob_rawcontent(blob).assumingMemoryBound(to: CChar.self)
        input.size = Int(git_blob_rawsize(blob))
        return try body(input)
    }

    /// Name → entry for one tree.
    func treeEntries(_ id: RawOID) throws(GitError) -> [String: TreeEntry] {
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "cannot read a tree")
        defer { git_tree_free(tree) }
        let count = git_tree_entrycount(tree)
        var entries: [String: TreeEntry] = [:]
        entries.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            entries[String(cString: git_tree_entry_name(entry))] =
                TreeEntry(id: RawOID(git_tree_entry_id(entry).pointee), mode: git_tree_entry_filemode(entry).rawValue)
        }
        return entries
    }

    private func writeTree(_ entries: [String: TreeEntry]) throws(GitError) -> RawOID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, nil), "cannot build a tree")
        defer { git_treebuilder_free(builder) }
        for (name, entry) in entries {
            var oid = entry.id.oid
            try check(git_treebuilder_insert(nil, builder, name, &oid, git_filemode_t(entry.mode)), "cannot build a tree")
        }
        var out = git_oid()
        try check(git_treebuilder_write(&out, builder), "cannot write a tree")
        return RawOID(out)
    }

    private func emptyTreeID() throws(GitError) -> git_oid {
        try writeTree([:]).oid
    }
}

/// A tree entry's id and mode, compared by value.
struct TreeEntry: Equatable {
    var id: RawOID
    var mode: UInt32

    static let directoryMode = GIT_FILEMODE_TREE.rawValue
    var isDirectory: Bool { mode == Self.directoryMode }
    var isRegularFile: Bool { mode == GIT_FILEMODE_BLOB.rawValue || mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue }
}

/// A git_oid as a cheap, comparable value (no hex string).
struct RawOID: Hashable {
    private var high: UInt64, middle: UInt64, low: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        (high, middle, low) = withUnsafeBytes(of: &copy.id) { bytes in
            (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
    }

    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { bytes in
            bytes.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: middle, toByteOffset: 8, as: UInt64.self)
            bytes.storeBytes(of: low, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }
}
