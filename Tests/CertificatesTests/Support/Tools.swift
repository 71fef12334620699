import Foundation

/// Runs a tool to completion; throws with its stderr when it fails.
@discardableResult
func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: outData, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw TestClientError(description: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
            + String(decoding: errData, as: UTF8.self) + text)
    }
    return text + String(decoding: errData, as: UTF8.self)
}

/// Whether `tool` is on PATH.
func toolExists(_ tool: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func waitUntil(
    timeout: Duration = .seconds(10),
    _ what: String = "condition",
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestClientError(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// A certificate authority made with the openssl tool (independent of Slipway's own certificate code), for
/// `--tls files` and for pebble's own listener.
struct OpenSSLAuthority {
    let folder: URL
    var rootPEM: String { (try? String(contentsOf: folder.appendingPathComponent("ca.pem"), encoding: .utf8)) ?? "" }
    var rootURL: URL { folder.appendingPathComponent("ca.pem") }

    init(folder: URL, name: String = "Test CA") throws {
        self.folder = folder
        try run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", folder.appendingPathComponent("ca.key").path,
                            "-out", folder.appendingPathComponent("ca.pem").path,
                            "-days", "2", "-subj", "/CN=\(name)",
                            "-addext", "basicConstraints=critical,CA:TRUE",
                            "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    /// Issues a certificate for `names` (DNS names, or IP addresses as `IP:…`); returns (cert, key) file URLs.
    func issue(_ names: [String], file: String) throws -> (certificate: URL, key: URL) {
        let key = folder.appendingPathComponent("\(file).key")
        let csr = folder.appendingPathComponent("\(file).csr")
        let certificate = folder.appendingPathComponent("\(file).pem")
        let extensions = folder.appendingPathComponent("\(file).ext")
        let alternatives = names.map { $0.hasPrefix("IP:") ? $0 : "DNS:\($0)" }.joined(separator: ",")
        try "subjectAltName=\(alternatives)\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
            .write(to: extensions, atomically: true, encoding: .utf8)
        try run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", key.path, "-out", csr.path, "-subj", "/CN=\(names[0])"])
        try run("openssl", ["x509", "-req", "-in", csr.path, "-CA", folder.appendingPathComponent("ca.pem").path,
                            "-CAkey", folder.appendingPathComponent("ca.key").path, "-CAcreateserial",
                            "-days", "1", "-out", certificate.path, "-extfile", extensions.path])
        return (certificate, key)
    }
}
