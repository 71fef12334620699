import CGit2
import Foundation

extension RepositoryHandle {
    /// Writes the tree of `commit` into `directory`: regular and executable files, symlinks and nested
    /// directories, no `.git`. `directory` must be absent or empty. Submodule entries become empty
    /// directories, as a checkout without `--recurse-submodules` leaves them. Returns the files written.
    @discardableResult
    func exportTree(of commit: ObjectID, to directory: String) throws(GitError) -> Int {
        let treeID = try withCommit(commit) { ObjectID(git_commit_tree_id($0)) }
        try prepareEmptyDirectory(directory)
        var tree: OpaquePointer?
        var oid = treeID.oid
        try check(git_tree_lookup(&tree, pointer, &oid), "cannot read tree \(treeID.short)")
        defer { git_tree_free(tree) }
        var written = 0
        try exportTree(tree!, into: directory, relativePath: "", written: &written)
        return written
    }

    private func prepareEmptyDirectory(_ directory: String) throws(GitError) {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory) {
            let contents = (try? manager.contentsOfDirectory(atPath: directory)) ?? ["?"]
            guard contents.isEmpty else {
                throw GitError(.invalidArgument, "cannot export into '\(directory)': it is not an empty directory")
            }
            return
        }
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GitError(.io, "cannot create '\(directory)': \(error.localizedDescription)")
        }
    }

    private func exportTree(_ tree: OpaquePointer, into directory: String, relativePath: String,
                            written: inout Int) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let shownPath = relativePath.isEmpty ? name : relativePath + "/" + name
            // A tree read from a hostile repository may carry names that escape the directory.
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), name.lowercased() != ".git" else {
                throw GitError(.invalidArgument, "refusing to export unsafe path '\(shownPath)'")
            }
            let target = directory + "/" + name
            let mode = git_tree_entry_filemode(entry)
            switch mode {
            case GIT_FILEMODE_TREE:
                guard mkdir(target, 0o755) == 0 else { throw posixError("cannot create directory", shownPath) }
                var subtree: OpaquePointer?
                try check(git_tree_lookup(&subtree, pointer, git_tree_entry_id(entry)), "cannot read tree '\(shownPath)'")
                defer { git_tree_free(subtree) }
                try exportTree(subtree!, into: target, relativePath: shownPath, written: &written)
            case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK:
                try withBlob(git_tree_entry_id(entry), path: shownPath) { bytes throws(GitError) in
                    if mode == GIT_FILEMODE_LINK {
                        let destination = String(decoding: bytes, as: UTF8.self)
                        guard symlink(destination, target) == 0 else { throw posixError("cannot create symlink", shownPath) }
                    } else {
                        try writeFile(target, bytes: bytes, executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE, shownPath: shownPath)
                    }
                }
                written += 1
            case GIT_FILEMODE_COMMIT:
                guard mkdir(target, 0o755) == 0 else { throw posixError("cannot create directory", shownPath) }
            default:
                throw GitError(.invalidArgument, "unknown file mode \(mode.rawValue) at '\(shownPath)'")
            }
        }
    }

    private func withBlob(_ id: UnsafePointer<git_oid>?, path: String,
                          _ body: (UnsafeRawBufferPointer) throws(GitError) -> Void) throws(GitError) {
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, id), "cannot read '\(path)'")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        try body(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
    }

    private func writeFile(_ target: String, bytes: UnsafeRawBufferPointer, executable: Bool, shownPath: String) throws(GitError) {
        // O_EXCL|O_NOFOLLOW: never write through a symlink or over something already there.
        let descriptor = Glibc.open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard descriptor >= 0 else { throw posixError("cannot create file", shownPath) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw posixError("cannot write file", shownPath)
            }
            offset += count
        }
    }

    private func posixError(_ what: String, _ path: String) -> GitError {
        GitError(.io, "\(what) '\(path)': \(String(cString: strerror(errno)))")
    }

    /// The paths that differ between the trees of two commits, renames detected as `git diff -M` does.
    func changedPaths(from old: ObjectID, to new: ObjectID) throws(GitError) -> [ChangedPath] {
        let oldTreeID = try withCommit(old) { git_commit_tree_id($0).pointee }
        let newTreeID = try withCommit(new) { git_commit_tree_id($0).pointee }
        var oldOid = oldTreeID, newOid = newTreeID
        var oldTree: OpaquePointer?, newTree: OpaquePointer?
        try check(git_tree_lookup(&oldTree, pointer, &oldOid), "cannot read tree of \(old.short)")
        defer { git_tree_free(oldTree) }
        try check(git_tree_lookup(&newTree, pointer, &newOid), "cannot read tree of \(new.short)")
        defer { git_tree_free(newTree) }

        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "cannot set up the diff")
        options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options), "cannot diff \(old.short)..\(new.short)")
        defer { git_diff_free(diff) }
        var findOptions = git_diff_find_options()
        try check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "cannot set up rename detection")
        findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try check(git_diff_find_similar(diff, &findOptions), "cannot detect renames")

        var result: [ChangedPath] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let oldPath = delta.old_file.path.map { String(cString: $0) }
            let newPath = delta.new_file.path.map { String(cString: $0) } ?? oldPath ?? ""
            switch delta.status {
            case GIT_DELTA_ADDED: result.append(ChangedPath(status: .added, path: newPath))
            case GIT_DELTA_DELETED: result.append(ChangedPath(status: .deleted, path: oldPath ?? newPath))
            case GIT_DELTA_MODIFIED: result.append(ChangedPath(status: .modified, path: newPath))
            case GIT_DELTA_RENAMED: result.append(ChangedPath(status: .renamed, path: newPath, oldPath: oldPath))
            case GIT_DELTA_COPIED: result.append(ChangedPath(status: .copied, path: newPath, oldPath: oldPath))
            case GIT_DELTA_TYPECHANGE: result.append(ChangedPath(status: .typeChanged, path: newPath))
            default: continue
            }
        }
        return result
    }
}
