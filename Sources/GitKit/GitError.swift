import CGit2

/// A failure from libgit2 or from GitKit's own checks, with a message a user can act on.
///
/// `code` is Slipway's classification; `libgit2Class` and `libgit2Code` carry what libgit2 reported
/// (its `git_error_t` class and its return code) when the failure came from a libgit2 call.
/// Descriptions never echo credentials: remote URLs are redacted before they reach a message.
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable { case notFound, notARepository, badRevision, conflict
            case refMoved, refExists, refLocked, invalidArgument, io, network, libgit2, pushRefused }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A repository, reference, object or path does not exist.
        public static let notFound = Code(.notFound)
        /// The path exists but is not a git repository.
        public static let notARepository = Code(.notARepository)
        /// A revision string could not be resolved to an object of the expected kind.
        public static let badRevision = Code(.badRevision)
        /// A merge produced conflicts.
        public static let conflict = Code(.conflict)
        /// A compare-and-swap found the reference somewhere other than expected.
        public static let refMoved = Code(.refMoved)
        /// A reference that was expected to be absent exists.
        public static let refExists = Code(.refExists)
        /// Another writer holds the reference's lock; nothing was written and the caller may try again.
        public static let refLocked = Code(.refLocked)
        /// A caller passed a value libgit2 or GitKit rejects.
        public static let invalidArgument = Code(.invalidArgument)
        /// Reading or writing files failed.
        public static let io = Code(.io)
        /// Talking to a remote failed.
        public static let network = Code(.network)
        /// The remote refused a push for a reason other than a moved reference: a hook, a protected branch. The
        /// message quotes what the remote said.
        public static let pushRefused = Code(.pushRefused)
        /// Any other libgit2 failure.
        public static let libgit2 = Code(.libgit2)

        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var message: String
    /// libgit2's error class (`git_error_t`), or nil when GitKit raised the error itself.
    public var libgit2Class: Int32?
    /// libgit2's return code (`git_error_code`), or nil when GitKit raised the error itself.
    public var libgit2Code: Int32?

    public init(_ code: Code, _ message: String, libgit2Class: Int32? = nil, libgit2Code: Int32? = nil) {
        self.code = code
        self.message = message
        self.libgit2Class = libgit2Class
        self.libgit2Code = libgit2Code
    }

    public var description: String { message }

    /// Builds an error from a failing libgit2 call. Must be called straight after the call, on the same
    /// thread and before any suspension point: libgit2 keeps the last error per thread.
    static func lastError(_ rc: Int32, context: String) -> GitError {
        let detail: String
        var errorClass: Int32? = nil
        if let last = git_error_last(), let text = last.pointee.message {
            detail = String(cString: text)
            errorClass = last.pointee.klass
        } else {
            detail = "libgit2 error \(rc)"
        }
        let code: Code
        switch rc {
        case GIT_ENOTFOUND.rawValue: code = .notFound
        case GIT_EEXISTS.rawValue: code = .refExists
        case GIT_EMODIFIED.rawValue: code = .refMoved
        case GIT_ELOCKED.rawValue: code = .refLocked
        case GIT_EINVALIDSPEC.rawValue, GIT_EAMBIGUOUS.rawValue, GIT_EPEEL.rawValue: code = .badRevision
        case GIT_EMERGECONFLICT.rawValue, GIT_ECONFLICT.rawValue: code = .conflict
        default:
            switch errorClass.map({ git_error_t(UInt32(bitPattern: $0)) }) {
            case GIT_ERROR_OS?, GIT_ERROR_FILESYSTEM?: code = .io
            case GIT_ERROR_NET?, GIT_ERROR_HTTP?, GIT_ERROR_SSH?, GIT_ERROR_SSL?: code = .network
            case GIT_ERROR_REPOSITORY?: code = .notARepository
            default: code = .libgit2
            }
        }
        return GitError(code, "\(context): \(redactCredentials(in: detail))", libgit2Class: errorClass, libgit2Code: rc)
    }
}

/// Throws the last libgit2 error when `rc` is negative.
@inline(__always)
func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(GitError) {
    if rc < 0 { throw GitError.lastError(rc, context: context()) }
}

/// Replaces the user information of every URL (`user:password@`) with `***@`, so no message carries a
/// credential. Everything from `://` to the last `@` of the same word goes, since a password may itself
/// contain `/` or `@`.
func redactCredentials(in text: String) -> String {
    var result = ""
    var rest = Substring(text)
    while let scheme = rest.range(of: "://") {
        result += rest[..<scheme.upperBound]
        rest = rest[scheme.upperBound...]
        let wordEnd = rest.firstIndex(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\n" }) ?? rest.endIndex
        if let at = rest[..<wordEnd].lastIndex(of: "@") {
            result += "***"
            rest = rest[at...]
        }
    }
    return result + rest
}
