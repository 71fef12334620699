import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// An unknown path a browser asks for gets the dashboard's HTML "not found" page; scripts and the API keep
/// getting JSON.
@Suite struct BrowserNotFoundTests {
    @Test func browsersGetHTMLAndEverythingElseJSON() async throws {
        try await TestService.withService { _, client in
            var browser: HTTPFields = [:]
            browser[.accept] = "text/html,application/xhtml+xml,*/*;q=0.8"
            let page = try await client.execute(uri: "/pipeline/shop", method: .get, headers: browser)
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: page.body).contains("Not found"))

            let script = try await client.execute(uri: "/pipeline/shop", method: .get)
            #expect(script.status == .notFound)
            #expect(script.headers[.contentType]?.hasPrefix("application/json") == true)

            let api = try await client.execute(uri: "/api/v1/nothing-here", method: .get, headers: browser)
            #expect(api.status == .notFound || api.status == .unauthorized)
            #expect(api.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }
}
