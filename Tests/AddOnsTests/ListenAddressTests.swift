@testable import AddOns
import Testing

/// `serve --addons-address`: which values are refused before anything starts, and the access rules it adds.
@Suite("Add-on servers' extra listen address")
struct ListenAddressTests {
    @Test func onlyAnAddressOfThisMachineWillDo() {
        #expect(ListenAddress.problem(with: "127.0.0.1") == nil)
        #expect(ListenAddress.problem(with: "::1") == nil)
        // TEST-NET-1 (RFC 5737) is never an address of a machine.
        #expect(ListenAddress.problem(with: "192.0.2.1") == "192.0.2.1 is not an address of this machine")
        #expect(ListenAddress.problem(with: "0.0.0.0")?.contains("every interface") == true)
        #expect(ListenAddress.problem(with: "::")?.contains("every interface") == true)
        #expect(ListenAddress.problem(with: "db.internal") == "expected an IP address such as 10.0.0.5, got db.internal")
        #expect(ListenAddress.problem(with: "10.0.0.300")?.hasPrefix("expected an IP address") == true)
    }

    @Test func passwordSignInsFromTheLocalSubnetsOnlyWithTheAddress() {
        let loopback = PostgresAccessRules.text(listenAddress: nil)
        #expect(!loopback.contains("samenet"))
        #expect(loopback.contains("host all all 127.0.0.1/32 scram-sha-256"))
        let shared = PostgresAccessRules.text(listenAddress: "10.0.0.5")
        #expect(shared.contains("host all all samenet scram-sha-256"))
        // Never a rule without a password, and never `all` addresses.
        for text in [loopback, shared] {
            #expect(!text.contains("trust") && !text.contains("0.0.0.0/0") && !text.contains("peer"))
        }
    }

    @Test func urlsNameTheAdvertisedHost() {
        let endpoint = ServerEndpoint(host: "127.0.0.1", port: 5433, user: "admin", password: "p", advertisedHost: "10.0.0.5")
        #expect(AddOnURL.make(scheme: "postgres", user: "u", password: "pw", endpoint: endpoint, path: "db")
                == "postgres://u:pw@10.0.0.5:5433/db")
        let local = ServerEndpoint(host: "127.0.0.1", port: 5433, user: "admin", password: "p")
        #expect(AddOnURL.make(scheme: "postgres", user: "u", password: "pw", endpoint: local, path: "db")
                == "postgres://u:pw@127.0.0.1:5433/db")
    }
}
