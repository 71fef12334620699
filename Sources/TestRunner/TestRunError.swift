/// Why a test run could not run its tests (as opposed to tests failing). Exit status 2.
public struct TestRunError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// app.json or flags ask for something impossible.
        case configuration
        /// A worker's `test-setup` failed.
        case setupFailed
        /// A workspace could not be prepared.
        case workspace
        /// A process could not be started.
        case process
        /// The run was interrupted (Ctrl-C) before it finished.
        case cancelled
    }

    public var kind: Kind
    public var message: String
    /// The worker concerned, 0-based like `CI_NODE_INDEX`.
    public var worker: Int?
    /// The last lines of the failing command's output.
    public var outputTail: String?

    public init(_ kind: Kind, _ message: String, worker: Int? = nil, outputTail: String? = nil) {
        self.kind = kind
        self.message = message
        self.worker = worker
        self.outputTail = outputTail
    }

    public var description: String {
        guard let tail = outputTail, !tail.isEmpty else { return message }
        return message + "\n" + tail.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  | " + $0 }.joined(separator: "\n")
    }
}
