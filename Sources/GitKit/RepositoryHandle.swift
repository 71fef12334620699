import CGit2
import Foundation

/// The one owner of a `git_repository *`. Not `Sendable`: libgit2 objects are not thread-safe, so a
/// handle is only ever used from the thread of the `Repository` actor that owns it.
///
/// Every method copies what it needs out of libgit2 into Swift values and frees the C objects before
/// returning. Errors are read with `git_error_last()` right after the failing call (see `check`).
final class RepositoryHandle {
    let pointer: OpaquePointer
    /// The path the repository was opened from, as the caller gave it.
    let path: String
    /// When set, new objects go to this in-memory backend until `flushMemoryPack` writes them as one pack.
    var memoryPack: UnsafeMutablePointer<git_odb_backend>?

    private init(pointer: OpaquePointer, path: String) {
        self.pointer = pointer
        self.path = path
    }

    deinit {
        git_repository_free(pointer)
    }

    // MARK: Opening

    /// Opens the repository at exactly `path` (a work tree or a bare repository; no upward search).
    static func open(path: String) throws(GitError) -> RepositoryHandle {
        LibGit2.ensureInitialized()
        var repo: OpaquePointer?
        let rc = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        guard rc == 0, let repo else {
            let error = GitError.lastError(rc, context: "cannot open repository '\(path)'")
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw GitError(.notFound, "no repository at '\(path)': the path does not exist",
                               libgit2Class: error.libgit2Class, libgit2Code: error.libgit2Code)
            }
            if error.code == .notFound || error.code == .notARepository {
                throw GitError(.notARepository, "'\(path)' is not a git repository",
                               libgit2Class: error.libgit2Class, libgit2Code: error.libgit2Code)
            }
            throw error
        }
        return RepositoryHandle(pointer: repo, path: path)
    }

    /// Creates an empty bare repository at `path` (or opens the one already there, as `git init --bare` does).
    static func initBare(path: String) throws(GitError) -> RepositoryHandle {
        LibGit2.ensureInitialized()
        var repo: OpaquePointer?
        try check(git_repository_init(&repo, path, 1), "cannot create a bare repository at '\(path)'")
        return RepositoryHandle(pointer: repo!, path: path)
    }

    /// The `.git` directory (or the bare repository itself), with a trailing slash. For a linked work tree
    /// this is `.git/worktrees/<name>/`; shared state lives in `commonDirectory`.
    var gitDirectory: String { String(cString: git_repository_path(pointer)) }
    /// The directory shared by every work tree of the repository (objects, refs), with a trailing slash.
    var commonDirectory: String { String(cString: git_repository_commondir(pointer)) }
    var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    // MARK: References

    /// Every reference whose name starts with `prefix`, symbolic ones resolved to their object, sorted by name.
    func references(prefix: String = "refs/") throws(GitError) -> [Reference] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_new(&iterator, pointer), "cannot list references")
        defer { git_reference_iterator_free(iterator) }
        var result: [Reference] = []
        var ref: OpaquePointer?
        while true {
            let rc = git_reference_next(&ref, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "cannot list references")
            defer { git_reference_free(ref) }
            let name = String(cString: git_reference_name(ref))
            guard name.hasPrefix(prefix) else { continue }
            if let target = try resolvedTarget(of: ref!) {
                result.append(Reference(name: name, target: target))
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The references a pull-request scan needs — the target branch, `refs/pull/*` and
    /// `refs/slipway/merge/*` — in one pass. Other refs (tags, branches: most of a large repository's)
    /// are skipped by comparing the C name before any Swift value is made for them.
    func scanReferences(targetRef: String, prefixes: [String]) throws(GitError) -> [Reference] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_new(&iterator, pointer), "cannot list references")
        defer { git_reference_iterator_free(iterator) }
        let wanted = prefixes.map { Array($0.utf8CString.dropLast()) }
        let target = Array(targetRef.utf8CString)
        var result: [Reference] = []
        var ref: OpaquePointer?
        while true {
            let rc = git_reference_next(&ref, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "cannot list references")
            defer { git_reference_free(ref) }
            guard let cName = git_reference_name(ref) else { continue }
            let keep = strcmp(cName, target) == 0 || wanted.contains { prefix in strncmp(cName, prefix, prefix.count) == 0 }
            guard keep, let resolved = try resolvedTarget(of: ref!) else { continue }
            result.append(Reference(name: String(cString: cName), target: resolved))
        }
        return result
    }

    /// The object a reference points to, following symbolic references; nil for a dangling symbolic ref.
    private func resolvedTarget(of ref: OpaquePointer) throws(GitError) -> ObjectID? {
        if git_reference_type(ref) == GIT_REFERENCE_DIRECT {
            return git_reference_target(ref).map(ObjectID.init)
        }
        var resolved: OpaquePointer?
        let rc = git_reference_resolve(&resolved, ref)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "cannot resolve reference")
        defer { git_reference_free(resolved) }
        return git_reference_target(resolved).map(ObjectID.init)
    }

    /// The object the named reference points to, or nil when there is no such reference.
    func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "cannot read reference '\(name)'")
        return ObjectID(oid)
    }

    /// Points `name` at `target`, creating or overwriting it.
    func setReference(_ name: String, to target: ObjectID, message: String) throws(GitError) {
        var oid = target.oid
        var ref: OpaquePointer?
        try check(git_reference_create(&ref, pointer, name, &oid, 1, message), "cannot write reference '\(name)'")
        git_reference_free(ref)
    }

    /// Deletes the named reference; deleting one that does not exist is not an error.
    func deleteReference(_ name: String) throws(GitError) {
        var ref: OpaquePointer?
        let rc = git_reference_lookup(&ref, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { return }
        try check(rc, "cannot read reference '\(name)'")
        defer { git_reference_free(ref) }
        try check(git_reference_delete(ref), "cannot delete reference '\(name)'")
    }

    /// Packs every loose reference into `packed-refs`, as `git pack-refs --all` does, so the next listing
    /// reads one file instead of one file per ref.
    func packReferences() throws(GitError) {
        var refdb: OpaquePointer?
        try check(git_repository_refdb(&refdb, pointer), "cannot open the reference database")
        defer { git_refdb_free(refdb) }
        try check(git_refdb_compress(refdb), "cannot pack references")
    }

    /// Moves `name` to `new` only if it currently points at `expected` (nil: only if it does not exist yet).
    func compareAndSwap(_ name: String, expected: ObjectID?, new: ObjectID, message: String) throws(GitError) {
        // Strict object creation is off for speed, so check the new target exists ourselves.
        _ = try commit(new)
        var newOid = new.oid
        var ref: OpaquePointer?
        let rc: Int32
        if let expected {
            var expectedOid = expected.oid
            rc = git_reference_create_matching(&ref, pointer, name, &newOid, 1, &expectedOid, message)
        } else {
            rc = git_reference_create(&ref, pointer, name, &newOid, 0, message)
        }
        if rc == 0 {
            git_reference_free(ref)
            return
        }
        let error = GitError.lastError(rc, context: "cannot update '\(name)'")
        if rc == GIT_ELOCKED.rawValue {
            throw GitError(.refLocked, "\(name) is being updated by someone else (its lock file exists); nothing was written, try again",
                           libgit2Class: error.libgit2Class, libgit2Code: rc)
        }
        // A moved ref (EMODIFIED), an existing one when none was expected (EEXISTS), or a missing one
        // when one was expected (ENOTFOUND) are all the same thing to the caller: the CAS lost.
        guard rc == GIT_EMODIFIED.rawValue || rc == GIT_EEXISTS.rawValue || rc == GIT_ENOTFOUND.rawValue else {
            throw error
        }
        let current = try? referenceTarget(name)
        let found = current?.short ?? "nothing"
        let wanted = expected?.short ?? "nothing"
        throw GitError(expected == nil && current != nil ? .refExists : .refMoved,
                       "\(name) moved: expected \(wanted), found \(found); nothing was written",
                       libgit2Class: error.libgit2Class, libgit2Code: rc)
    }

    // MARK: Objects

    /// Resolves a revision (`main`, `refs/pull/3/head`, `HEAD~2`, an id prefix) to a commit id.
    func resolve(_ revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        let rc = git_revparse_single(&object, pointer, revision)
        if rc < 0 {
            let error = GitError.lastError(rc, context: "unknown revision '\(revision)'")
            throw GitError(.badRevision, error.message, libgit2Class: error.libgit2Class, libgit2Code: rc)
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let peelRC = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        if peelRC < 0 {
            throw GitError(.badRevision, "revision '\(revision)' does not name a commit", libgit2Code: peelRC)
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled))
    }

    /// Runs `body` with the looked-up commit, freeing it afterwards.
    func withCommit<T>(_ id: ObjectID, _ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        var oid = id.oid
        var commit: OpaquePointer?
        let rc = git_commit_lookup(&commit, pointer, &oid)
        if rc < 0 {
            let error = GitError.lastError(rc, context: "no commit \(id.short)")
            throw GitError(rc == GIT_ENOTFOUND.rawValue ? .notFound : error.code, error.message,
                           libgit2Class: error.libgit2Class, libgit2Code: rc)
        }
        defer { git_commit_free(commit) }
        return try body(commit!)
    }

    func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
        try withCommit(id) { commit in
            let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
                git_commit_parent_id(commit, index).map(ObjectID.init)
            }
            return CommitInfo(
                id: id,
                tree: ObjectID(git_commit_tree_id(commit)),
                parents: parents,
                author: Signature(git_commit_author(commit)),
                committer: Signature(git_commit_committer(commit)),
                message: git_commit_message(commit).map { String(cString: $0) } ?? ""
            )
        }
    }

    /// The best common ancestor of two commits, or nil when their histories are unrelated.
    func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var one = a.oid, two = b.oid
        let rc = git_merge_base(&out, pointer, &one, &two)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "cannot find the merge base of \(a.short) and \(b.short)")
        return ObjectID(out)
    }

    /// True when the object database holds `id`.
    func contains(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return false }
        defer { git_odb_free(odb) }
        var oid = id.oid
        return git_odb_exists(odb, &oid) == 1
    }
}

extension Signature {
    init(_ pointer: UnsafePointer<git_signature>?) {
        guard let signature = pointer?.pointee else {
            self.init(name: "", email: "", time: 0)
            return
        }
        self.init(
            name: signature.name.map { String(cString: $0) } ?? "",
            email: signature.email.map { String(cString: $0) } ?? "",
            time: signature.when.time,
            offsetMinutes: signature.when.offset
        )
    }
}
