import NIOCore
import NIOHTTP1

/// The short pages the router answers with when it cannot hand a request to an app.
struct ErrorPage {
    let status: HTTPResponseStatus
    let title: String
    let detail: String

    /// 400: the request could not be parsed as HTTP/1.
    static let badRequest = ErrorPage(status: .badRequest, title: "Bad request", detail: "The request is not valid HTTP/1.1.")

    /// 408: the client did not finish its request head within the header timeout.
    static func requestTimeout(_ timeout: TimeAmount) -> ErrorPage {
        let seconds = Double(timeout.nanoseconds) / 1_000_000_000
        return ErrorPage(status: .requestTimeout, title: "Request timeout",
                         detail: "The request head did not arrive within \(seconds) s.")
    }

    /// 404: no app is registered under the request's host.
    static func unknownHost(_ host: String) -> ErrorPage {
        let shown = host.isEmpty ? "(no Host header)" : host
        return ErrorPage(status: .notFound, title: "No such app", detail: "There is no app at \(shown).")
    }

    /// 503: the app exists but has no web dyno to send the request to.
    static func noBackends(app: String) -> ErrorPage {
        ErrorPage(status: .serviceUnavailable, title: "Service unavailable", detail: "no web dynos running for \(app)")
    }

    /// 502: every backend refused or failed; `cause` says how.
    static func badGateway(app: String, cause: String) -> ErrorPage {
        ErrorPage(status: .badGateway, title: "Bad gateway", detail: "\(app): \(cause)")
    }

    /// 504: the backend accepted the request but said nothing within the upstream timeout.
    static func gatewayTimeout(app: String, backend: Backend, timeout: TimeAmount) -> ErrorPage {
        let seconds = Double(timeout.nanoseconds) / 1_000_000_000
        return ErrorPage(
            status: .gatewayTimeout,
            title: "Gateway timeout",
            detail: "\(app): the web dyno at \(backend) did not answer within \(seconds) s"
        )
    }

    func html() -> String {
        let title = "\(status.code) \(Self.escape(self.title))"
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><h1>\(title)</h1><p>\(Self.escape(detail))</p><hr><p>slipway router</p></body></html>

            """
    }

    /// The whole response, head and (unless answering HEAD) body, as bytes for the client.
    func response(allocator: ByteBufferAllocator, minorVersion: Int, keepAlive: Bool, includeBody: Bool) -> ByteBuffer {
        let body = html()
        var buffer = allocator.buffer(capacity: body.utf8.count + 200)
        buffer.writeString("HTTP/1.\(minorVersion >= 1 ? 1 : 0) \(status.code) \(status.reasonPhrase)\r\n")
        buffer.writeStaticString("content-type: text/html; charset=utf-8\r\ncache-control: no-store\r\n")
        buffer.writeString("content-length: \(body.utf8.count)\r\n")
        if !keepAlive {
            buffer.writeStaticString("connection: close\r\n")
        } else if minorVersion == 0 {
            buffer.writeStaticString("connection: keep-alive\r\n")
        }
        buffer.writeStaticString("\r\n")
        if includeBody { buffer.writeString(body) }
        return buffer
    }

    /// Host headers come from the client: never put one into HTML unescaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
