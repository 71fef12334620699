import Platform

extension Deployer {
    /// The port the router listens on (review-app URLs are `http://<host>:<port>`), nil before it started.
    public var routerPort: Int? { runtimes.router.port }

    /// The router's HTTPS port, nil without TLS (or before it started).
    public var routerHTTPSPort: Int? { runtimes.router.httpsPort }

    /// The URL a person opens for an app host (`https://` once the router serves HTTPS); nil before the
    /// router started.
    public func publicURL(host: String) -> String? {
        routerPort.map { ReviewAppNaming.url(host: host, routerPort: $0, httpsPort: routerHTTPSPort) }
    }
}
