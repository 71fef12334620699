import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Free TCP ports on loopback for dynos (`$PORT`).
///
/// The kernel picks a free ephemeral port (bind to port 0); the port is released before the dyno binds
/// it, so another process could take it in between — the health check then fails and the deploy rolls
/// back, which is the safe outcome. Ports handed out recently are not handed out again for a while.
public final class PortAllocator: Sendable {
    private let recent = Mutex<[Int]>([])

    public init() {}

    public func next() -> Int? {
        for _ in 0..<20 {
            guard let port = Self.ephemeralPort() else { return nil }
            let fresh = recent.withLock { recent -> Bool in
                if recent.contains(port) { return false }
                recent.append(port)
                if recent.count > 256 { recent.removeFirst() }
                return true
            }
            if fresh { return port }
        }
        return nil
    }

    private static func ephemeralPort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
