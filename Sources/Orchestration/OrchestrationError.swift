import SlipwayModel

/// A request the orchestration could not carry out, with a message a user can act on.
///
/// `kind` says what went wrong so the edge (the HTTP API) can answer with the right status without parsing
/// messages. Messages never contain a token, a config var's value or a credential of a repository URL.
public struct OrchestrationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The named pull request (or other thing outside the store) does not exist.
        case notFound
        /// The input is wrong; `field` names it when one input is at fault.
        case invalid(field: String?)
        /// The request contradicts the current state (nothing to roll back to, nothing to promote).
        case conflict
        /// A deploy did not happen; the previous release keeps serving. `output` is the failing step's tail.
        case deployFailed(output: String)
        /// The pipeline's repository cannot be fetched or read.
        case repositoryUnavailable
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ field: String?, _ message: String) -> OrchestrationError {
        OrchestrationError(.invalid(field: field), message)
    }

    static func deployFailed(_ reason: String, output: String) -> OrchestrationError {
        OrchestrationError(.deployFailed(output: output), reason)
    }

    /// The words a failed step leaves in a record (an operation's reason, a review app's log): the message of
    /// an error Slipway made, else the error as it describes itself.
    static func reason(of error: any Error) -> String {
        switch error {
        case let error as OrchestrationError: error.message
        case let error as StoreError: error.message
        default: "\(error)"
        }
    }
}
