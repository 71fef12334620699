import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports for the demo: the preferred one when it is free, else one the kernel picks.
enum FreePort {
    static func preferring(_ port: Int) -> Int {
        if isFree(port) { return port }
        return pick() ?? port
    }

    static func isFree(_ port: Int) -> Bool {
        bound(port) != nil
    }

    /// Binds 127.0.0.1:`port` (0: any) and returns the port bound, closing the socket again.
    private static func bound(_ port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // As the servers bind: a port in TIME_WAIT from an earlier run is free to them.
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func pick() -> Int? { bound(0) }
}
