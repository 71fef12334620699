import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks `serve --addons-address`: an IP address literal of one of this machine's interfaces, so the managed
/// servers can listen on it (PostgreSQL would otherwise only say so in its log, after `serve` has started).
public enum ListenAddress {
    /// Nil when `text` will do, else what is wrong with it (the message names the value, which is no secret).
    public static func problem(with text: String) -> String? {
        if text == "0.0.0.0" || text == "::" {
            return "\(text) would listen on every interface; give the one address remote workers reach this machine at"
        }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr = v4
            return bindable(&address, family: AF_INET) ? nil : "\(text) is not an address of this machine"
        }
        if inet_pton(AF_INET6, text, &v6) == 1 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = v6
            return bindable(&address, family: AF_INET6) ? nil : "\(text) is not an address of this machine"
        }
        return "expected an IP address such as 10.0.0.5, got \(text.prefix(80))"
    }

    /// Whether a socket binds to `address` (port 0: any free one, closed at once).
    private static func bindable<Address>(_ address: inout Address, family: Int32) -> Bool {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let length = socklen_t(MemoryLayout<Address>.size)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 }
        }
    }
}
