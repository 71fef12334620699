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

}

final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}
