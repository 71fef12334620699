import CGit2
import Foundation

extension RepositoryHandle {
    /// Fetches `refspecs` from `remote`, a local path or a `file://` URL (network transports work too
    /// where libgit2 was built with them). With `prune`, local refs matched by the refspecs whose
    /// remote counterpart is gone are deleted, so closed pull requests disappear from the mirror.
    func fetch(remote: String, refspecs: [String], prune: Bool) throws(GitError) {
        let shownRemote = redactCredentials(in: remote)
        if let localPath = Self.localPath(of: remote), !FileManager.default.fileExists(atPath: localPath) {
            throw GitError(.notFound, "cannot fetch from '\(shownRemote)': no repository there")
        }
        var handle: OpaquePointer?
        let created = git_remote_create_anonymous(&handle, pointer, remote)
        if created < 0 {
            let error = GitError.lastError(created, context: "invalid remote '\(shownRemote)'")
            throw GitError(.invalidArgument, error.message, libgit2Class: error.libgit2Class, libgit2Code: created)
        }
        defer { git_remote_free(handle) }

        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "cannot set up the fetch")
        options.prune = prune ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
        // Anonymous remotes have no configured refspecs; update exactly the ones we were given.
        options.update_fetchhead = 0

        let cStrings: [UnsafeMutablePointer<CChar>?] = refspecs.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var mutableStrings = cStrings
        let rc = mutableStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_remote_fetch(handle, &array, &options, "slipway: fetch")
        }
        if rc < 0 {
            var error = GitError.lastError(rc, context: "cannot fetch from '\(shownRemote)'")
            // libgit2 reports a refused connection as an OS error; to the caller it is the network.
            if error.code == .io { error.code = .network }
            if error.code == .badRevision { error.code = .invalidArgument }
            throw error
        }
    }

    /// The filesystem path for a plain path or `file://` URL; nil for other transports.
    static func localPath(of remote: String) -> String? {
        if remote.hasPrefix("file://") { return String(remote.dropFirst("file://".count)) }
        if remote.contains("://") || remote.contains("@") && remote.contains(":") { return nil }
        return remote
    }
}
