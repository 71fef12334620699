import Certificates
import EdgeRouter
import Foundation

/// `/certificates`: where the router's HTTPS certificates come from and, with `--tls acme`, each routed host's
/// certificate: valid (until when, renewed when), being ordered, or failed (why, how often, the next retry).
/// A host whose order failed is still served over plain HTTP; the page says so. Keys are never shown: only
/// host names, dates, the CA's or the files' paths and the ACME server's own words about a failure.
struct CertificatesPage: DashboardPage {
    static let template = "certificates"

    struct HostRow: Sendable {
        var host: String
        var state: Badge
        var detail: String
        /// `https://host:port/` once it has a certificate.
        var url: Link?
        /// Only for a failed order.
        var failure: Failure?
    }

    struct Failure: Sendable {
        var reason: String
        var attempts: Int
        var nextRetry: String
        var nextRetryExact: String
        var httpURL: Link?
    }

    var chrome: PageChrome
    /// `internal`, `acme`, `files`, or nil when HTTPS is off.
    var mode: String?
    var httpsOff: Bool
    var httpsPort: Int?
    /// `--tls internal`: the local CA's certificate (to trust), never its key.
    var localCARoot: String?
    /// `--tls files`: the certificate file and what it holds.
    var filesCertificate: String?
    var filesSubject: String?
    var isACME: Bool
    /// Failed orders first (the rows someone has to act on), then the others by host name.
    var failed: [HostRow]
    var others: [HostRow]
    var hasFailed: Bool
    var hasOthers: Bool

    static func load(_ data: DashboardData) -> CertificatesPage {
        var page = CertificatesPage(
            chrome: PageChrome(title: "HTTPS certificates", crumbs: [.init(label: "Pipelines", href: "/"), .init(label: "Certificates")]),
            mode: nil, httpsOff: true, httpsPort: data.deployer?.routerHTTPSPort, isACME: false,
            failed: [], others: [], hasFailed: false, hasOthers: false)
        guard let source = data.deployer?.runtimes.router.configuration.tls?.certificates else { return page }
        page.httpsOff = false
        switch source {
        case let local as InternalCertificates:
            page.mode = TLSMode.internal.rawValue
            page.localCARoot = local.rootCertificateURL.path
        case let files as FileCertificates:
            page.mode = TLSMode.files.rawValue
            page.filesCertificate = files.certificateURL.path
            page.filesSubject = files.current.map(String.init(describing:))
        case let acme as ACMECertificates:
            page.mode = TLSMode.acme.rawValue
            page.isACME = true
            let rows = acme.statuses().sorted { $0.key < $1.key }.map { host, status in
                row(host: host, status: status, data: data)
            }
            page.failed = rows.filter { $0.failure != nil }
            page.others = rows.filter { $0.failure == nil }
        default:
            page.mode = "custom"
        }
        page.hasFailed = !page.failed.isEmpty
        page.hasOthers = !page.others.isEmpty
        // A failed order is retried by itself: keep the page fresh while one is pending or waiting for its retry.
        page.chrome.live = page.hasFailed || page.others.contains { $0.state.label == "ordering" }
        return page
    }

    static func row(host: String, status: CertificateStatus, data: DashboardData) -> HostRow {
        let https = data.deployer?.routerHTTPSPort.map { port in
            let url = "https://\(host)\(port == 443 ? "" : ":\(port)")/"
            return Link(text: url, href: url)
        }
        switch status {
        case .pending:
            return HostRow(host: host, state: Badge("ordering", tone: "run"),
                           detail: "Ordering the first certificate; served over plain HTTP meanwhile.", url: nil)
        case .valid(let notAfter, let renewAt):
            return HostRow(host: host, state: Badge("valid", tone: "ok"),
                           detail: "Valid until \(DisplayFormat.timestamp(notAfter)); renewed from \(DisplayFormat.timestamp(renewAt)).",
                           url: https)
        case .failed(let message, let attempts, _, let retryAt):
            let http = data.routerPort.map { port in
                let url = "http://\(host)\(port == 80 ? "" : ":\(port)")/"
                return Link(text: url, href: url)
            }
            return HostRow(
                host: host, state: Badge("order failed", tone: "bad"),
                detail: "No certificate yet: served over plain HTTP meanwhile.", url: nil,
                failure: Failure(reason: message, attempts: attempts, nextRetry: inWords(retryAt, now: data.now),
                                 nextRetryExact: DisplayFormat.timestamp(retryAt), httpURL: http))
        }
    }

    /// `in 40 s`, `in 3 min`, `in 1 h`, or `due now`.
    static func inWords(_ date: Date, now: Date) -> String {
        let seconds = date.timeIntervalSince(now)
        switch seconds {
        case ..<1: return "due now"
        case ..<60: return "in \(Int(seconds.rounded())) s"
        case ..<3600: return "in \(Int((seconds / 60).rounded())) min"
        default: return "in \(Int((seconds / 3600).rounded())) h"
        }
    }
}

extension DashboardData {
    /// How many routed hosts have no certificate because their ACME order failed (0 outside `--tls acme`).
    var failedCertificateOrders: Int {
        guard let acme = deployer?.runtimes.router.configuration.tls?.certificates as? ACMECertificates else { return 0 }
        return acme.statuses().values.filter {
            if case .failed = $0 { return true }
            return false
        }.count
    }

    /// Whether the router serves HTTPS (the pipelines page then links to `/certificates`).
    var servesHTTPS: Bool { deployer?.runtimes.router.configuration.tls != nil }
}
