import Testing

@testable import EdgeRouter

@Suite("Host names and request ids")
struct HostNameTests {
    @Test(
        "Host headers are lowercased and lose the port and a trailing dot",
        arguments: [
            ("app.example.com", "app.example.com"),
            ("App.Example.COM:5000", "app.example.com"),
            ("app.example.com.", "app.example.com"),
            ("pr-12.shop.example.com:80", "pr-12.shop.example.com"),
            ("[::1]:5000", "[::1]"),
        ]
    )
    func normalize(header: String, expected: String) {
        #expect(RouterHostNames.normalize(header) == expected)
    }

    @Test("App and review-app host names follow SPEC §6")
    func hostNames() {
        #expect(RouterHostNames.app("Web", domain: "example.com") == "web.example.com")
        #expect(RouterHostNames.reviewApp(pullRequest: 3, pipeline: "shop", domain: "example.com") == "pr-3.shop.example.com")
    }

    @Test("Generated request ids are distinct version-4 UUIDs; odd incoming ones are refused")
    func requestIDs() {
        var generator = RequestIDGenerator()
        let ids = (0..<1000).map { _ in generator.next() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(20) {
            let parts = id.split(separator: "-")
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
            #expect(parts[2].first == "4")
            #expect("89ab".contains(parts[3].first!))
        }
        #expect(RequestIDGenerator.isAcceptable("abc-123"))
        #expect(!RequestIDGenerator.isAcceptable(""))
        #expect(!RequestIDGenerator.isAcceptable("has space"))
        #expect(!RequestIDGenerator.isAcceptable(String(repeating: "a", count: 201)))
    }
}
