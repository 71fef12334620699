import Platform
import SlipwayModel
import Testing

/// Review-app names always fit the 30-character app-name rule, and hosts and URLs follow SPEC §6.
struct ReviewAppNamingTests {
    @Test func shortPipelinesKeepTheirWholeName() {
        #expect(ReviewAppNaming.appName(pipeline: "shop", prNumber: 12) == "shop-pr-12")
        #expect(ReviewAppNaming.host(pipeline: "shop", prNumber: 12, domain: "localhost") == "pr-12.shop.localhost")
    }

    @Test(arguments: [1, 42, 99_999, 123_456_789])
    func longPipelinesAreCutSoTheSuffixFitsAndTheNameIsValid(number: Int) throws {
        let pipeline = "a-very-long-pipeline-name-abcd" // 30 characters, the longest allowed
        let name = ReviewAppNaming.appName(pipeline: pipeline, prNumber: number)
        #expect(name.count <= 30)
        #expect(name.hasSuffix("-pr-\(number)"))
        #expect(!name.contains("--"), "the cut never leaves a '-' before the suffix: \(name)")
        _ = try ResourceName(name)
    }

    @Test func aCutThatEndsOnADashDropsIt() {
        // 25 characters fit before the suffix "-pr-7"; the last one shown here is the cut's last.
        #expect(ReviewAppNaming.appName(pipeline: "abcdefghij-klmnopqrst-nam-xyz", prNumber: 7) == "abcdefghij-klmnopqrst-nam-pr-7")
        #expect(ReviewAppNaming.appName(pipeline: "abcdefghij-klmnopqrstuvwx-yz", prNumber: 7) == "abcdefghij-klmnopqrstuvwx-pr-7")
        #expect(ReviewAppNaming.appName(pipeline: "abcdefghij-klmnopqrstuvw-xyz", prNumber: 7) == "abcdefghij-klmnopqrstuvw-pr-7")
    }

    @Test func urlsCarryTheRouterPortUnlessItIs80() {
        #expect(ReviewAppNaming.url(host: "pr-1.shop.localhost", routerPort: 5000) == "http://pr-1.shop.localhost:5000/")
        #expect(ReviewAppNaming.url(host: "pr-1.shop.localhost", routerPort: 80) == "http://pr-1.shop.localhost/")
        #expect(ReviewAppNaming.url(host: "pr-1.shop.localhost", routerPort: nil) == "http://pr-1.shop.localhost/")
    }

    @Test func urlsAreHTTPSOnceTheRouterServesIt() {
        #expect(ReviewAppNaming.url(host: "pr-4.django.localhost", routerPort: 5000, httpsPort: 5443) == "https://pr-4.django.localhost:5443/")
        #expect(ReviewAppNaming.url(host: "web.example.com", routerPort: 80, httpsPort: 443) == "https://web.example.com/")
    }
}
