import NIOCore

/// What the plain HTTP listener answers itself once HTTPS is on: ACME HTTP-01 challenges, and (with
/// `redirectHTTP`) a redirect to the same URL over HTTPS for everything else.
extension ProxyHandler {
    static let challengePrefix = "/.well-known/acme-challenge/"

    /// Answers `head` when it is a challenge or must be redirected; `false` when it goes to the app as usual.
    func answerOnPlainHTTP(_ head: RequestHead, tls: RouterTLS) -> Bool {
        // Most plain requests with HTTPS on go straight to the app: no string is made for them.
        guard tls.challenges != nil || tls.redirectHTTP else { return false }
        let target = head.target
        if let challenges = tls.challenges, head.method == .get || head.method == .head,
            target.hasPrefix(Self.challengePrefix)
        {
            let token = String(target.dropFirst(Self.challengePrefix.count))
            if let keyAuthorization = challenges.keyAuthorization(forToken: token) {
                writeDirect(status: "200 OK", headers: "content-type: application/octet-stream\r\n",
                            body: keyAuthorization, head: head)
            } else {
                writeDirect(status: "404 Not Found", headers: "content-type: text/plain\r\n",
                            body: "no such challenge\n", head: head)
            }
            return true
        }
        guard tls.redirectHTTP else { return false }
        let host = Self.hostWithoutPort(head.targetHost)
        guard !host.isEmpty, target.hasPrefix("/") else {
            respond(with: .badRequest, to: head)
            return true
        }
        let port = loop.httpsPort
        let authority = port == 443 || port == 0 ? host : "\(host):\(port)"
        // 308 keeps the method and body (a 301 turns a POST into a GET in most clients).
        writeDirect(status: "308 Permanent Redirect",
                    headers: "location: https://\(authority)\(target)\r\ncontent-type: text/plain\r\n",
                    body: "https://\(authority)\(target)\n", head: head)
        return true
    }

    /// `example.com:8080` → `example.com`; `[::1]:80` → `[::1]`.
    static func hostWithoutPort(_ host: String) -> String {
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return "" }
            return String(host[...close])
        }
        return String(host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    private func writeDirect(status: String, headers: String, body: String, head: RequestHead) {
        guard let context else { return }
        discardingRequestBody = true
        let keepAlive = head.keepAlive && !head.isUpgrade
        var buffer = allocator.buffer(capacity: 160 + headers.utf8.count + body.utf8.count)
        buffer.writeString("HTTP/1.\(head.minorVersion >= 1 ? 1 : 0) \(status)\r\n\(headers)")
        buffer.writeString("cache-control: no-store\r\ncontent-length: \(body.utf8.count)\r\n")
        if !keepAlive {
            buffer.writeStaticString("connection: close\r\n")
        } else if head.minorVersion == 0 {
            buffer.writeStaticString("connection: keep-alive\r\n")
        }
        buffer.writeStaticString("\r\n")
        if head.method != .head { buffer.writeString(body) }
        servedRequests &+= 1
        waitingSince = .now()
        context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        if keepAlive {
            context.flush()
        } else {
            closeAfterFlush(context)
        }
    }
}
