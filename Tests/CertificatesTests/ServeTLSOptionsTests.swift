import Certificates
import Foundation
import Synchronization
import Testing

@Suite("serve's HTTPS options and public URLs")
struct ServeTLSOptionsTests {
    @Test("incoherent flag combinations are refused, naming the flag")
    func validation() {
        let cases: [(ServeTLSOptions, String)] = [
            (ServeTLSOptions(mode: .acme, httpsPort: 5443), "--acme-directory"),
            (ServeTLSOptions(mode: .acme, httpsPort: 5443, acmeDirectory: "ftp://x/dir"), "--acme-directory"),
            (ServeTLSOptions(mode: .acme, httpsPort: 5443, acmeDirectory: "https://x/dir", acmeEmail: "nobody"),
             "--acme-email"),
            (ServeTLSOptions(mode: .acme, httpsPort: 5443, acmeDirectory: "https://x/dir",
                             acmeCABundle: URL(fileURLWithPath: "/nonexistent/ca.pem")), "/nonexistent/ca.pem"),
            (ServeTLSOptions(mode: .files, httpsPort: 5443), "--tls-cert"),
            (ServeTLSOptions(mode: .files, httpsPort: 5443, certificateFile: URL(fileURLWithPath: "/nonexistent/c.pem"),
                             keyFile: URL(fileURLWithPath: "/nonexistent/k.pem")), "/nonexistent/c.pem"),
            (ServeTLSOptions(mode: .internal, httpsPort: 5443, certificateFile: URL(fileURLWithPath: "/c")), "--tls files"),
            (ServeTLSOptions(mode: .internal, httpsPort: 5443, acmeEmail: "a@b.c"), "--tls acme"),
            (ServeTLSOptions(mode: .internal, httpsPort: 70000), "--https-port"),
        ]
        for (options, named) in cases {
            #expect {
                try options.validate()
            } throws: { error in
                "\(error)".contains(named)
            }
        }
        #expect(throws: Never.self) {
            try ServeTLSOptions(mode: .acme, httpsPort: 443, acmeDirectory: "https://acme.example/dir").validate()
        }
    }

    @Test("prepare makes the local CA in the data dir and tells how to trust it")
    func prepareInternal() throws {
        let dataDirectory = try temporaryDirectory()
        let lines = Lines()
        let prepared = try ServeTLSOptions(mode: .internal, httpsPort: 0)
            .prepare(dataDirectory: dataDirectory, announce: { lines.append($0) })
        let root = dataDirectory.appendingPathComponent("tls/internal/ca/root.pem").path
        #expect(FileManager.default.fileExists(atPath: root))
        #expect(lines.all.joined().contains(root))
        #expect(!lines.all.joined().contains("PRIVATE KEY"))
        #expect(prepared.router.challenges == nil)
    }

    @Test("app URLs are https with the HTTPS port once HTTPS is on; default ports are left out")
    func publicURLs() {
        #expect(PublicURL.app(host: "pr-4.django.localhost", httpsPort: 5443, httpPort: 5000)
            == "https://pr-4.django.localhost:5443/")
        #expect(PublicURL.app(host: "web.example.com", httpsPort: 443, httpPort: 80) == "https://web.example.com/")
        #expect(PublicURL.app(host: "web.localhost", httpsPort: nil, httpPort: 5000) == "http://web.localhost:5000/")
        #expect(PublicURL.app(host: "web.example.com", httpsPort: nil, httpPort: 80) == "http://web.example.com/")
    }
}

final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}
