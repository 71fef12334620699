// Starts Slipway's edge router on its own for ci/bench/router:
//   slipway-router-bench --port 5000 --host bench.localhost --backend 127.0.0.1:8080 [--backend …]
//                        [--threads N] [--balancing round-robin|least-connections]
//                        [--https-port P --tls-cert cert.pem --tls-key key.pem]
// Routes the given Host to the backends, prints "ready <port>", serves until killed. With --https-port it also
// terminates TLS there with the given certificate, presented for any SNI (as nginx's only server block does).
import EdgeRouter
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func usageError(_ message: String) -> Never {
    print("slipway-router-bench: \(message)")
    exit(2)
}

var port = 5000
var host = "bench.localhost"
var backends: [Backend] = []
var balancing = BalancingStrategy.roundRobin
var threads: Int?
var httpsPort: Int?
var certificateFile: String?
var keyFile: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    guard let value = arguments.next() else {
        usageError("missing value after \(argument)")
    }
    switch argument {
    case "--port": port = Int(value) ?? port
    case "--host": host = value
    case "--threads": threads = Int(value)
    case "--balancing": balancing = BalancingStrategy(rawValue: value) ?? balancing
    case "--https-port": httpsPort = Int(value)
    case "--tls-cert": certificateFile = value
    case "--tls-key": keyFile = value
    case "--backend":
        let parts = value.split(separator: ":")
        guard parts.count == 2, let backendPort = Int(parts[1]) else {
            usageError("--backend wants host:port, got \(value)")
        }
        backends.append(Backend(host: String(parts[0]), port: backendPort))
    default:
        usageError("unknown option \(argument)")
    }
}

/// One certificate for every SNI name.
struct OneCertificate: TLSCertificateSource {
    let certificate: TLSServingCertificate
    func certificate(forServerName serverName: String?) -> TLSServingCertificate? { certificate }
    func hostsRouted(_ hosts: [String]) async {}
}

var configuration = RouterConfiguration(port: port, balancing: balancing, eventLoopThreads: threads)
if let httpsPort {
    guard let certificateFile, let keyFile else { usageError("--https-port needs --tls-cert and --tls-key") }
    let certificate = TLSServingCertificate(
        chain: try NIOSSLCertificate.fromPEMFile(certificateFile),
        privateKey: try NIOSSLPrivateKey(file: keyFile, format: .pem))
    configuration.tls = RouterTLS(port: httpsPort, certificates: OneCertificate(certificate: certificate))
}
let router = EdgeRouter(configuration: configuration)
try await router.start()
await router.setBackends(app: "bench", backends, hosts: [host])
print("ready \(router.port ?? port)")

// The bench script stops this process with SIGTERM; until then, serve.
while true {
    try await Task.sleep(for: .seconds(3600))
}
