import Foundation
import Testing
@testable import Store
import SlipwayModel

@Suite struct ResourceNameTests {
    @Test(arguments: ["a", "web", "shop-staging", "pr-12", "a1-b2", String(repeating: "a", count: 30)])
    func acceptsValidNames(_ raw: String) throws {
        #expect(try ResourceName(raw).rawValue == raw)
    }

    @Test(arguments: ["", "..", ".", "a/b", "../etc", "Shop", "UPPER", "1app", "-app", "a_b", "a.b", "a b",
                      "é", "a\u{0}b", String(repeating: "a", count: 31)])
    func refusesInvalidNames(_ raw: String) {
        #expect(throws: StoreError.self) { try ResourceName(raw) }
        do {
            _ = try ResourceName(raw)
        } catch {
            #expect(error.code == .invalidName)
            #expect(error.message.contains("invalid name"))
        }
    }

    @Test func tooLongNameSaysTheLimit() {
        do {
            _ = try ResourceName(String(repeating: "x", count: 31))
            Issue.record("accepted a 31-character name")
        } catch {
            #expect(error.message.contains("at most 30"))
        }
    }

    @Test func decodingValidates() throws {
        let good = try JSONDecoder().decode([ResourceName].self, from: Data(#"["web"]"#.utf8))
        #expect(good == [name("web")])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ResourceName].self, from: Data(#"["../x"]"#.utf8))
        }
    }
}
