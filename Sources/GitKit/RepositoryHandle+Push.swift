import CGit2
import Foundation

extension RepositoryHandle {
    /// Pushes `refspecs` (`<id or ref>:refs/heads/main`, no `+`: only fast-forwards) to `remote`. A reference
    /// the remote refuses — not a fast-forward, locked, rejected by a hook — is `GitError.Code.refMoved` naming
    /// it, and that reference is not changed.
    func push(remote: String, refspecs: [String]) throws(GitError) {
        let shownRemote = redactCredentials(in: remote)
        var handle: OpaquePointer?
        let created = git_remote_create_anonymous(&handle, pointer, remote)
        if created < 0 {
            let error = GitError.lastError(created, context: "invalid remote '\(shownRemote)'")
            throw GitError(.invalidArgument, error.message, libgit2Class: error.libgit2Class, libgit2Code: created)
        }
        defer { git_remote_free(handle) }

        var options = git_push_options()
        try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "cannot set up the push")
        // The remote's verdict on each reference arrives through this callback; a non-nil status is a refusal.
        let refusals = RefusalBox()
        options.callbacks.payload = Unmanaged.passUnretained(refusals).toOpaque()
        options.callbacks.push_update_reference = { name, status, payload in
            guard let status, let payload else { return 0 }
            let box = Unmanaged<RefusalBox>.fromOpaque(payload).takeUnretainedValue()
            box.refusals.append("\(name.map { String(cString: $0) } ?? "?"): \(String(cString: status))")
            return 0
        }
        // What the remote prints while it receives ("remote: error: GH006: Protected branch update failed…").
        options.callbacks.sideband_progress = { text, length, payload in
            guard let text, let payload, length > 0 else { return 0 }
            let box = Unmanaged<RefusalBox>.fromOpaque(payload).takeUnretainedValue()
            box.remoteOutput += String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self)
            return 0
        }
        let cStrings: [UnsafeMutablePointer<CChar>?] = refspecs.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var mutableStrings = cStrings
        let rc = withExtendedLifetime(refusals) {
            mutableStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
                return git_remote_push(handle, &array, &options)
            }
        }
        if rc == GIT_ENONFASTFORWARD.rawValue {
            throw GitError(.refMoved, "'\(shownRemote)' refused the push: not a fast-forward (the target moved)", libgit2Code: rc)
        }
        if rc < 0 {
            var error = GitError.lastError(rc, context: "cannot push to '\(shownRemote)'")
            if error.code == .io { error.code = .network }
            throw error
        }
        if let refusal = refusals.refusals.first {
            // A reference that moved is refused as "non-fast-forward" or "fetch first"; anything else (a declined
            // hook, a protected branch) is the remote's own verdict: quote what it said.
            let moved = ["non-fast-forward", "fetch first", "stale info"].contains { refusal.contains($0) }
            guard !moved else { throw GitError(.refMoved, "'\(shownRemote)' refused the push of \(refusal)") }
            let said = refusals.remoteErrors
            throw GitError(.pushRefused, "'\(shownRemote)' refused the push of \(refusal)" + (said.isEmpty ? "" : ": " + said))
        }
    }
}

/// Collects the remote's refusals during a push (only touched on the pushing thread).
private final class RefusalBox {
    var refusals: [String] = []
    /// The remote's progress and error lines, as sent on the sideband.
    var remoteOutput = ""

    /// The remote's error lines (`error: …`, GitHub's `GH006: …`), without their `error:` prefix, at most 500
    /// characters.
    var remoteErrors: String {
        let lines = remoteOutput.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }
        let errors = lines.filter { $0.hasPrefix("error:") || $0.hasPrefix("GH0") }.map { line in
            line.hasPrefix("error:") ? line.dropFirst(6).trimmingCharacters(in: .whitespaces) : line
        }
        return String(errors.joined(separator: " ").prefix(500))
    }
}
