import CGit2
import Foundation

/// A change to one file in a commit made by `Repository.commit(parent:changes:…)`.
public struct FileChange: Sendable, Equatable {
    public var path: String
    /// The new content, or nil to delete the file.
    public var content: Data?
    public var executable: Bool

    public static func write(_ path: String, _ text: String, executable: Bool = false) -> FileChange {
        FileChange(path: path, content: Data(text.utf8), executable: executable)
    }

    public static func delete(_ path: String) -> FileChange {
        FileChange(path: path, content: nil, executable: false)
    }
}

extension RepositoryHandle {
    /// Writes a commit whose tree is `parent`'s tree (empty without a parent) with `changes` applied.
    /// Builds the tree in an in-memory index, so no work tree and no `git` program are involved.
    func commit(parent: ObjectID?, changes: [FileChange], message: String, identity: MergeIdentity, time: Date) throws(GitError) -> ObjectID {
        var index: OpaquePointer?
        try check(git_index_new(&index), "cannot create an index")
        defer { git_index_free(index) }
        if let parent {
            let treeID = try commit(parent).tree
            var oid = treeID.oid
            var tree: OpaquePointer?
            try check(git_tree_lookup(&tree, pointer, &oid), "cannot read the tree of \(parent.short)")
            defer { git_tree_free(tree) }
            try check(git_index_read_tree(index, tree), "cannot read the tree of \(parent.short)")
        }
        for change in changes {
            guard let content = change.content else {
                let rc = git_index_remove_bypath(index, change.path)
                try check(rc, "cannot delete \(change.path)")
                continue
            }
            var blob = git_oid()
            let rc = content.withUnsafeBytes { bytes in
                git_blob_create_from_buffer(&blob, pointer, bytes.baseAddress, bytes.count)
            }
            try check(rc, "cannot write \(change.path)")
            var entry = git_index_entry()
            entry.mode = change.executable ? 0o100755 : 0o100644
            entry.id = blob
            entry.file_size = UInt32(truncatingIfNeeded: content.count)
            let added = change.path.withCString { path -> Int32 in
                entry.path = path
                return git_index_add(index, &entry)
            }
            try check(added, "cannot add \(change.path)")
        }
        var treeOid = git_oid()
        try check(git_index_write_tree_to(&treeOid, index, pointer), "cannot write the tree")
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &treeOid), "cannot read the written tree")
        defer { git_tree_free(tree) }

        var parentCommit: OpaquePointer?
        if let parent {
            var oid = parent.oid
            try check(git_commit_lookup(&parentCommit, pointer, &oid), "cannot read commit \(parent.short)")
        }
        defer { if parentCommit != nil { git_commit_free(parentCommit) } }
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&signature, identity.name, identity.email, git_time_t(time.timeIntervalSince1970), 0),
                  "invalid commit identity")
        defer { git_signature_free(signature) }
        var commitOid = git_oid()
        var parents: [OpaquePointer?] = parentCommit.map { [$0] } ?? []
        let rc = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitOid, pointer, nil, signature, signature, nil, message, tree, buffer.count, buffer.baseAddress)
        }
        try check(rc, "cannot write the commit")
        return ObjectID(commitOid)
    }
}
