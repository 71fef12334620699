import ArgumentParser
import Certificates
import Foundation

extension TLSMode: ExpressibleByArgument {}

/// `serve`'s HTTPS flags. HTTPS is on when `--https-port` or `--tls` is given (`--tls internal` on port 5443 by
/// default).
struct ServeHTTPSOptions: ParsableArguments {
    @Option(help: "Serve HTTPS at the router on this port (default 5443 when --tls is given).") var httpsPort: Int?
    @Option(help: ArgumentHelp(
        "Where certificates come from: internal (a local CA in the data dir), acme (--acme-directory), files (--tls-cert/--tls-key).",
        valueName: "mode")) var tls: TLSMode?
    @Option(help: ArgumentHelp("ACME directory URL for --tls acme.", valueName: "url")) var acmeDirectory: String?
    @Option(help: ArgumentHelp("Contact e-mail for the ACME account.", valueName: "email")) var acmeEmail: String?
    @Option(help: ArgumentHelp("PEM file of CAs to trust for a private ACME server's HTTPS.", valueName: "file"))
    var acmeCABundle: String?
    @Option(help: ArgumentHelp("Certificate chain (PEM) for --tls files; reloaded when it changes.", valueName: "file"))
    var tlsCert: String?
    @Option(help: ArgumentHelp("Private key (PEM) for --tls files.", valueName: "file")) var tlsKey: String?
    @Flag(help: "Redirect every plain-HTTP request to HTTPS (by default that stays the app's choice).")
    var redirectHTTP = false

    /// `nil` when HTTPS is off.
    var options: ServeTLSOptions? {
        guard httpsPort != nil || tls != nil else { return nil }
        func file(_ path: String?) -> URL? { path.map { URL(fileURLWithPath: $0).standardizedFileURL } }
        return ServeTLSOptions(
            mode: tls ?? .internal, httpsPort: httpsPort ?? 5443, redirectHTTP: redirectHTTP,
            acmeDirectory: acmeDirectory, acmeEmail: acmeEmail, acmeCABundle: file(acmeCABundle),
            certificateFile: file(tlsCert), keyFile: file(tlsKey))
    }

    func validate() throws {
        guard let options else {
            if redirectHTTP || acmeDirectory != nil || tlsCert != nil || tlsKey != nil || acmeEmail != nil
                || acmeCABundle != nil
            {
                throw ValidationError("--redirect-http, --acme-* and --tls-cert/--tls-key need --tls (or --https-port)")
            }
            return
        }
        if let httpsPort, !(1...65535).contains(httpsPort) {
            throw ValidationError("--https-port must be between 1 and 65535, got \(httpsPort)")
        }
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }
}
