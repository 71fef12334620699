import CGit2
import Foundation

extension RepositoryHandle {
    /// The content of the file at `path` in `commit`'s tree, or nil when there is no such file (a missing path
    /// or a directory). Reads the blob straight from the object database: no export, no work tree.
    func readFile(_ path: String, at commit: ObjectID) throws(GitError) -> Data? {
        let treeID = try self.commit(commit).tree
        var oid = treeID.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "cannot read the tree of \(commit.short)")
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree, path)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "cannot look up \(path) in \(commit.short)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, git_tree_entry_id(entry)), "cannot read \(path) in \(commit.short)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }
}
