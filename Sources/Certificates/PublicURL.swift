/// The URL users open for an app host: `https://` once the router serves HTTPS, `http://` otherwise; the port
/// is shown unless it is the scheme's default, and the URL ends in `/` (as `ReviewAppNaming.url` does today). API,
/// CLI and dashboard should build app and review-app URLs with it.
public enum PublicURL {
    /// - Parameters:
    ///   - host: `<app>.<domain>` or `pr-<N>.<pipeline>.<domain>`.
    ///   - httpsPort: the router's HTTPS port, `nil` when HTTPS is off.
    ///   - httpPort: the router's plain HTTP port.
    public static func app(host: String, httpsPort: Int?, httpPort: Int) -> String {
        if let httpsPort {
            return httpsPort == 443 ? "https://\(host)/" : "https://\(host):\(httpsPort)/"
        }
        return httpPort == 80 ? "http://\(host)/" : "http://\(host):\(httpPort)/"
    }
}
