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
        var backend: OpaquePointer?
        try check(git_mempack_new(&backend), "cannot create an in-memory object store")
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "cannot open the object database")
        defer { git_odb_free(odb) }
        // Highest priority so writes land here; reads still fall through to the packs and loose objects.
        // The object database owns the backend from here on and frees it with the repository.
        try check(git_odb_add_backend(odb, backend, 1000), "cannot add the in-memory object store")
        memoryPack = backend
    }

    /// Writes the objects collected in memory into `objects/pack` as one pack with its index, then
    /// empties the in-memory store. A no-op when nothing was written.
    func flushMemoryPack() throws(GitError) {
        guard let backend = memoryPack else { return }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_mempack_dump(&buffer, pointer, backend), "cannot pack the new objects")
        // An empty pack is the 12-byte header plus the 20-byte trailer.
        if buffer.size > 32 {
            var odb: OpaquePointer?
            try check(git_repository_odb(&odb, pointer), "cannot open the object database")
            defer { git_odb_free(odb) }
            var options = git_indexer_options()
            try check(git_indexer_options_init(&options, UInt32(GIT_INDEXER_OPTIONS_VERSION)), "cannot set up the pack indexer")
            var indexer: OpaquePointer?
            try check(git_indexer_new(&indexer, gitDirectory + "objects/pack", 0, odb, &options), "cannot write a pack")
            defer { git_indexer_free(indexer) }
            var stats = git_indexer_progress()
            try check(git_indexer_append(indexer, buffer.ptr, buffer.size, &stats), "cannot write a pack")
            try check(git_indexer_commit(indexer, &stats), "cannot write a pack")
            try check(git_odb_refresh(odb), "cannot reload the object database")
        }
        try check(git_mempack_reset(backend), "cannot reset the in-memory object store")
    }
}
