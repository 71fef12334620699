import Hummingbird

extension APIError {
    /// A deploy that did not happen; the previous release keeps serving. `output` is the failing step's tail.
    static func deployFailed(_ reason: String, output: String) -> APIError {
        let tail = output.isEmpty ? "" : "\n" + String(output.suffix(4000))
        return APIError(.unprocessableContent, id: "deploy_failed", reason + tail)
    }
}
