import Hummingbird
import Orchestration

extension APIError {
    /// The answer to an orchestration failure: 404, 409 or 422 for the caller's mistakes, 502 when the
    /// pipeline's repository cannot be reached.
    init(_ error: OrchestrationError) {
        switch error.kind {
        case .notFound: self.init(.notFound, id: "not_found", error.message)
        case .invalid(let field): self.init(.unprocessableContent, id: "invalid_value", error.message, field: field)
        case .conflict: self.init(.conflict, id: "conflict", error.message)
        case .deployFailed(let output): self = .deployFailed(error.message, output: output)
        // 409, as GitHub's API answers for a repository it cannot serve (an empty one): the pipeline's repository,
        // as configured, cannot be read now. Not a 5xx: the service itself did not fail.
        case .repositoryUnavailable: self.init(.conflict, id: "repository_unavailable", error.message)
        }
    }

    /// A deploy that did not happen; the previous release keeps serving. `output` is the failing step's tail.
    static func deployFailed(_ reason: String, output: String) -> APIError {
        let tail = output.isEmpty ? "" : "\n" + String(output.suffix(4000))
        return APIError(.unprocessableContent, id: "deploy_failed", reason + tail)
    }
}
