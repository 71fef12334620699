import Foundation

/// The names a pull request's review app gets: the app `<pipeline>-pr-<N>` and the router host
/// `pr-<N>.<pipeline>.<domain>` (SPEC §6).
public enum ReviewAppNaming {
    /// App names are at most 30 characters (`[a-z][a-z0-9-]{0,29}`); a long pipeline name is cut so that
    /// `-pr-<N>` always fits, and the cut never leaves a trailing `-`.
    public static func appName(pipeline: String, prNumber: Int) -> String {
        let suffix = "-pr-\(prNumber)"
        var stem = String(pipeline.prefix(max(1, 30 - suffix.count)))
        while stem.hasSuffix("-") { stem.removeLast() }
        return stem + suffix
    }

    public static func host(pipeline: String, prNumber: Int, domain: String) -> String {
        "pr-\(prNumber).\(pipeline).\(domain)"
    }

    /// The URL a person opens: `https://<host>:<https port>/` once the router serves HTTPS, else
    /// `http://<host>:<router port>/`; the port is left out when it is the scheme's default (or unknown).
    public static func url(host: String, routerPort: Int?, httpsPort: Int? = nil) -> String {
        if let httpsPort { return "https://\(host)\(httpsPort == 443 ? "" : ":\(httpsPort)")/" }
        let port = routerPort.map { $0 == 80 ? "" : ":\($0)" } ?? ""
        return "http://\(host)\(port)/"
    }
}
