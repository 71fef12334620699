import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client of the service's API. Failures become `CLIFailure`s with Slipway's exit codes:
/// 3 when the service cannot be reached (naming the URL tried), 2 for a 4xx (the server's message),
/// 1 for a 5xx. The token goes only into the `Authorization` header, never into a message.
struct APIClient: Sendable {
    let baseURL: URL
    let token: String

    /// Sends a request to `/api/v1` + `path` and returns the response body of a 2xx.
    func send(_ method: String, _ path: String, body: (any Encodable & Sendable)? = nil, timeout: TimeInterval = 60) async throws -> Data {
        guard let url = URL(string: baseURL.absoluteString.trimmingSuffix("/") + "/api/v1" + path) else {
            throw CLIFailure.usage("cannot make a URL from --server \(baseURL.absoluteString) and \(path)")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONEncoder().encode(body)
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIFailure(exitCode: .unreachable,
                message: "cannot reach the Slipway service at \(baseURL.absoluteString) (\(Self.reason(error))); is 'slipway serve' running? (--server or SLIPWAY_SERVER)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let (id, message) = Self.serverError(data)
            // A build or scale that failed is "the thing failed" (1), not a mistake in the request (2).
            // So is a pipeline repository the service cannot read (409 `repository_unavailable`).
            let failed = status >= 500 || status == 0 || id == "deploy_failed" || id == "repository_unavailable"
            throw CLIFailure(exitCode: failed ? .checkFailed : .usage, message: message ?? "HTTP \(status)")
        }
        return data
    }

    /// Sends a request and decodes the JSON answer.
    func decode<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, body: (any Encodable & Sendable)? = nil) async throws -> T {
        let data = try await send(method, path, body: body)
        do {
            return try Self.decoder.decode(T.self, from: data)
        } catch {
            throw CLIFailure(exitCode: .checkFailed, message: "the service answered \(path) with JSON this client does not understand: \(error)")
        }
    }

    /// A path segment made safe for a URL: a name with `/` or `..` reaches the server as one segment
    /// and is refused there with 422, never routed somewhere else.
    static func segment(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// The `id` and `message` of an API error body.
    private static func serverError(_ data: Data) -> (id: String?, message: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return (nil, nil) }
        return (object["id"] as? String, object["message"] as? String)
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? URLError {
            switch error.code {
            case .cannotConnectToHost: return "connection refused"
            case .timedOut: return "timed out"
            case .cannotFindHost, .dnsLookupFailed: return "unknown host"
            default: return "network error \(error.code.rawValue)"
            }
        }
        return "\(error.localizedDescription)"
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}

/// Prints the service's JSON as pretty, key-sorted JSON: `--json` shows exactly what the API said.
func printServerJSON(_ data: Data) throws {
    let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    let pretty = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
    FileHandle.standardOutput.write(pretty)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// `2026-11-26 19:40` for tables.
func shortDate(_ date: Date?) -> String {
    guard let date else { return "-" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.string(from: date) + "Z"
}
