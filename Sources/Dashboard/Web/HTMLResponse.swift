import HTTPTypes
import Hummingbird

/// Dashboard responses: HTML with headers that keep the pages private and inert (no caching by proxies,
/// no framing, scripts and styles from this server only), and an ETag so the live refresh gets `304 Not
/// Modified` when nothing changed.
enum HTMLResponse {
    /// Scripts and styles come from `/assets` only: no inline script can run even if text slipped through
    /// escaping. Inline SVG needs nothing more.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    static func page(_ html: String, status: HTTPResponse.Status = .ok, request: Request, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[referrerPolicy] = "no-referrer"
        headers[.cacheControl] = "no-store"
        let tag = etag(of: html)
        headers[.eTag] = tag
        if status == .ok, request.headers[.ifNoneMatch] == tag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(to location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// A weak validator: FNV-1a over the page's bytes (a cache key, not a security measure).
    static func etag(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "W/\"\(String(hash, radix: 16))\""
    }
}
