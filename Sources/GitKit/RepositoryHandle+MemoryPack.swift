import CGit2

/// Batching object writes in memory.
///
/// A test merge writes a commit and a few trees. As loose objects that is one compressed file each (and
/// the kernel's file creation dominates a scan of a thousand pull requests); through libgit2's mempack
/// backend they stay in memory and are written once, as a single indexed pack, at the end of the batch.
/// Nothing may point at those objects (no ref written) before `flushMemoryPack` returns.
extension RepositoryHandle {
    /// Routes every new object of this handle into memory until `flushMemoryPack`.
    func attachMemoryPack() throws(GitError) {
        guard memoryPack == nil else { return }
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&backend), "cannot create an in-memory object store")
        var odb: OpaquePointer?
        var rc = git_repository_odb(&odb, pointer)
        // Highest priority so writes land here; reads still fall through to the packs and loose objects.
        // Once added, the object database owns the backend and frees it with the repository.
        if rc == 0 { rc = git_odb_add_backend(odb, backend, 1000) }
        git_odb_free(odb)
        if rc < 0 {
            let error = GitError.lastError(rc, context: "cannot add an in-memory object store")
            backend?.pointee.free?(backend)
            throw error
        }
        memoryPack = backend
    }

    /// Writes the new objects of `mergeCommits` (each commit, and the trees and blobs of its tree that
    /// neither parent has) into `objects/pack` as one indexed pack, then empties the in-memory store.
    ///
    /// `git_mempack_dump` is not used: it packs every object reachable from each commit — the whole
    /// tree, a thousand blobs per merge — where a merge adds only a handful.
    func flushMemoryPack(mergeCommits: [ObjectID]) throws(GitError) {
        guard let backend = memoryPack else { return }
        defer { _ = git_mempack_reset(backend) }
        guard !mergeCommits.isEmpty else { return }

        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, pointer), "cannot pack the new objects")
        defer { git_packbuilder_free(builder) }
        _ = git_packbuilder_set_threads(builder, 1)
        for commit in mergeCommits {
            var commitOid = commit.oid
            try check(git_packbuilder_insert(builder, &commitOid, nil), "cannot pack \(commit.short)")
            let info = try self.commit(commit)
            guard info.parents.count == 2 else { continue }
            let ours = try withCommit(info.parents[0]) { RawOID(git_commit_tree_id($0).pointee) }
            let theirs = try withCommit(info.parents[1]) { RawOID(git_commit_tree_id($0).pointee) }
            try insertNewObjects(tree: RawOID(info.tree.oid), ours: ours, theirs: theirs, into: builder!)
        }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_packbuilder_write_buf(&buffer, builder), "cannot pack the new objects")
        try indexPack(buffer)
    }

    /// Inserts `tree` and, recursively, every entry that differs from the same path in both parents.
    private func insertNewObjects(tree: RawOID, ours: RawOID?, theirs: RawOID?, into builder: OpaquePointer) throws(GitError) {
        guard tree != ours, tree != theirs else { return }
        var oid = tree.oid
        try check(git_packbuilder_insert(builder, &oid, nil), "cannot pack a tree")
        let entries = try treeEntries(tree)
        let ourEntries = try ours.map { (id) throws(GitError) in try treeEntries(id) } ?? [:]
        let theirEntries = try theirs.map { (id) throws(GitError) in try treeEntries(id) } ?? [:]
        for (name, entry) in entries {
            let o = ourEntries[name], t = theirEntries[name]
            if entry.id == o?.id || entry.id == t?.id { continue }
            if entry.isDirectory {
                try insertNewObjects(tree: entry.id, ours: o?.isDirectory == true ? o?.id : nil,
                                     theirs: t?.isDirectory == true ? t?.id : nil, into: builder)
            } else if entry.mode != GIT_FILEMODE_COMMIT.rawValue {
                var blob = entry.id.oid
                try check(git_packbuilder_insert(builder, &blob, nil), "cannot pack '\(name)'")
            }
        }
    }

    /// Drops whatever the in-memory store holds (the objects of conflicting merges).
    func discardMemoryPack() {
        if let backend = memoryPack { _ = git_mempack_reset(backend) }
    }

    /// Stores a pack (bytes of a complete, non-thin pack) with its index in `objects/pack`.
    private func indexPack(_ buffer: git_buf) throws(GitError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "cannot open the object database")
        defer { git_odb_free(odb) }
        var options = git_indexer_options()
        try check(git_indexer_options_init(&options, UInt32(GIT_INDEXER_OPTIONS_VERSION)), "cannot set up the pack indexer")
        var indexer: OpaquePointer?
        // The object store itself: in a linked work tree `gitDirectory` has none.
        try check(git_indexer_new(&indexer, commonDirectory + "objects/pack", 0, odb, &options), "cannot write a pack")
        defer { git_indexer_free(indexer) }
        var stats = git_indexer_progress()
        try check(git_indexer_append(indexer, buffer.ptr, buffer.size, &stats), "cannot write a pack")
        try check(git_indexer_commit(indexer, &stats), "cannot write a pack")
        try check(git_odb_refresh(odb), "cannot reload the object database")
    }
}
