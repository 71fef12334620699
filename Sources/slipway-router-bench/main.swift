// Starts Slipway's edge router on its own for ci/bench/router:
//   slipway-router-bench --port 5000 --host bench.localhost --backend 127.0.0.1:8080 [--backend …]
//                        [--threads N] [--balancing round-robin|least-connections]
// Routes the given Host to the backends, prints "ready <port>", serves until killed.
import EdgeRouter

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

let router = EdgeRouter(
    configuration: RouterConfiguration(port: port, balancing: balancing, eventLoopThreads: threads)
)
try await router.start()
await router.setBackends(app: "bench", backends, hosts: [host])
print("ready \(router.port ?? port)")

// The bench script stops this process with SIGTERM; until then, serve.
while true {
    try await Task.sleep(for: .seconds(3600))
}
