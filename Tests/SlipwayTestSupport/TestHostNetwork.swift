import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Separate hosts for tests on one machine: Linux network namespaces (`ip netns add`), each joined by a veth
/// pair to a bridge in this process's own namespace, which is the network's first host (`10.77.N.1`). Each
/// namespace has only its loopback and its veth end (`10.77.N.11`, `.12`, …): a process started in it reaches
/// the other hosts over the bridge, as it would over a LAN, and nothing else. The addresses exist only on this
/// machine; `remove()` deletes the namespaces and the bridge (and with them the veth pairs and the route).
///
/// Needs root and iproute2 (`ip`).
public final class TestHostNetwork: Sendable {
    /// One namespace: a host with its own network stack, sharing this machine's files and processes.
    public struct Host: Sendable {
        public let namespace: String
        public let address: String

        /// `executable arguments…` run inside the namespace (`ip netns exec` enters it and execs the command,
        /// so the started process's pid is the command's).
        public func command(_ executable: String, _ arguments: [String]) -> (executable: String, arguments: [String]) {
            (TestHostNetwork.ip, ["netns", "exec", namespace, executable] + arguments)
        }
    }

    public static let ip = "/usr/sbin/ip"
    /// This namespace's address on the network (the bridge's).
    public let localAddress: String
    public let hosts: [Host]
    private let bridge: String

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether network namespaces can be made here (root, iproute2).
    public static var isAvailable: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: ip)
    }

    /// Creates `count` hosts. The subnet and the names carry this process's pid, so two test processes never
    /// share one; a network a killed test process left behind is removed first.
    public init(hosts count: Int) throws {
        precondition((1...200).contains(count))
        Self.removeLeftovers()
        let tag = Int(getpid())
        let subnet = "10.77.\(tag % 250)"
        bridge = "slwb\(tag)"
        localAddress = "\(subnet).1"
        hosts = (0..<count).map { Host(namespace: "slw-\(tag)-\($0)", address: "\(subnet).\(11 + $0)") }
        do {
            try Self.ip(["link", "add", bridge, "type", "bridge"])
            try Self.ip(["addr", "add", "\(localAddress)/24", "dev", bridge])
            try Self.ip(["link", "set", bridge, "up"])
            for (index, host) in hosts.enumerated() {
                let outer = "slw\(tag)h\(index)"
                try Self.ip(["netns", "add", host.namespace])
                try Self.ip(["link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", host.namespace])
                try Self.ip(["link", "set", outer, "master", bridge])
                try Self.ip(["link", "set", outer, "up"])
                try Self.ip(["-n", host.namespace, "addr", "add", "\(host.address)/24", "dev", "eth0"])
                try Self.ip(["-n", host.namespace, "link", "set", "eth0", "up"])
                try Self.ip(["-n", host.namespace, "link", "set", "lo", "up"])
            }
        } catch {
            remove()
            throw error
        }
    }

    /// Deletes the namespaces (their veth ends, and so the pairs, go with them) and the bridge.
    public func remove() {
        for host in hosts { try? Self.ip(["netns", "delete", host.namespace]) }
        try? Self.ip(["link", "delete", bridge])
    }

    /// Namespaces and bridges of test processes that are gone (killed before `remove()`).
    private static func removeLeftovers() {
        let namespaces = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        for name in namespaces where name.hasPrefix("slw-") {
            let parts = name.split(separator: "-")
            if parts.count == 3, let pid = Int32(parts[1]), kill(pid, 0) != 0 {
                try? ip(["netns", "delete", name])
                try? ip(["link", "delete", "slwb\(pid)"])
            }
        }
    }

    /// Runs `ip arguments…`; throws with its output when it fails.
    private static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ip)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-ip-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        guard process.terminationStatus == 0 else {
            let said = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            throw SetupError(description: "ip \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): \(said)")
        }
    }
}
