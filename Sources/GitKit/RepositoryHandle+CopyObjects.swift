import CGit2
import Foundation

extension RepositoryHandle {
    /// Copies every object reachable from `commit` that the repository at `destination` lacks, so a ref
    /// there can then point at `commit`. The walk stops at objects the destination has: a repository that
    /// has a commit or a tree has everything it reaches. Objects are written children first (blobs, then
    /// trees, then commits) so an interrupted copy never leaves an object whose children are missing.
    /// Returns how many objects were copied.
    ///
    /// This is how the gate publishes a merge commit to a local origin; libgit2's local transport cannot
    /// push to a repository with a work tree.
    func copyObjects(reachableFrom commit: ObjectID, to destination: RepositoryHandle) throws(GitError) -> Int {
        var sourceOdb: OpaquePointer?, destinationOdb: OpaquePointer?
        try check(git_repository_odb(&sourceOdb, pointer), "cannot open the object database")
        defer { git_odb_free(sourceOdb) }
        try check(git_repository_odb(&destinationOdb, destination.pointer), "cannot open the object database of '\(destination.path)'")
        defer { git_odb_free(destinationOdb) }

        var missing: [(git_oid, git_object_t)] = []
        var seen = Set<String>()
        var stack: [ObjectID] = [commit]
        while let next = stack.popLast() {
            guard seen.insert(next.hex).inserted else { continue }
            var oid = next.oid
            if git_odb_exists(destinationOdb, &oid) == 1 { continue }
            var object: OpaquePointer?
            try check(git_odb_read(&object, sourceOdb, &oid), "cannot read object \(next.short)")
            let type = git_odb_object_type(object)
            git_odb_object_free(object)
            missing.append((oid, type))
            switch type {
            case GIT_OBJECT_COMMIT:
                let info = try self.commit(next)
                stack.append(info.tree)
                stack.append(contentsOf: info.parents)
            case GIT_OBJECT_TREE:
                stack.append(contentsOf: try treeChildren(next))
            default:
                break
            }
        }
        let order: [git_object_t] = [GIT_OBJECT_BLOB, GIT_OBJECT_TAG, GIT_OBJECT_TREE, GIT_OBJECT_COMMIT]
        for type in order {
            // Reverse discovery order puts a tree's subtrees (found after it) before the tree itself.
            for (oid, objectType) in missing.reversed() where objectType == type {
                var id = oid
                var object: OpaquePointer?
                try check(git_odb_read(&object, sourceOdb, &id), "cannot read object \(ObjectID(id).short)")
                defer { git_odb_object_free(object) }
                var written = git_oid()
                let rc = git_odb_write(&written, destinationOdb, git_odb_object_data(object), git_odb_object_size(object), objectType)
                try check(rc, "cannot write object \(ObjectID(id).short) to '\(destination.path)'")
            }
        }
        return missing.count
    }

    /// The blobs and subtrees a tree names (submodule entries name commits of another repository: skipped).
    private func treeChildren(_ id: ObjectID) throws(GitError) -> [ObjectID] {
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "cannot read tree \(id.short)")
        defer { git_tree_free(tree) }
        var children: [ObjectID] = []
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let type = git_tree_entry_type(entry)
            if type == GIT_OBJECT_BLOB || type == GIT_OBJECT_TREE {
                children.append(ObjectID(git_tree_entry_id(entry)))
            }
        }
        return children
    }
}
