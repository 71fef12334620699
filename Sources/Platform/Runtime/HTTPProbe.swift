import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `GET` to a dyno on loopback, with a deadline: the answer's status code and the start of its body.
///
/// A plain socket on a thread of its own: health checks must not depend on the router they gate, and a
/// blocking connect or read never ties up Swift's cooperative pool.
public enum HTTPProbe {
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
    }

    public static func get(port: Int, path: String, host: String? = nil, timeout: Duration) async -> Answer? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Answer?, Never>) in
            let thread = Thread { continuation.resume(returning: blockingGet(port: port, path: path, host: host ?? "127.0.0.1:\(port)", timeout: timeout)) }
            thread.stackSize = 128 * 1024
            thread.start()
        }
    }

    private static func blockingGet(port: Int, path: String, host: String, timeout: Duration) -> Answer? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let seconds = timeout.components.seconds
        let micros = timeout.components.attoseconds / 1_000_000_000_000
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(micros))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: slipway-healthcheck\r\nConnection: close\r\n\r\n"
        let sent = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        guard sent > 0 else { return nil }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 64 * 1024 {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        // "HTTP/1.1 200 OK"
        let statusLine = text.prefix(while: { $0 != "\r" && $0 != "\n" })
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else { return nil }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return Answer(status: status, body: body)
    }
}
