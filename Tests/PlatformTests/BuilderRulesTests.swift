import Foundation
import Manifest
@testable import Platform
import Testing

/// The pure rules of the builders: npm's version ranges, Python version requests, buildpack names.
struct BuilderRulesTests {
    @Test(arguments: [
        ("20.x", "20.20.2", true), ("20", "20.1.0", true), ("18.x", "20.20.2", false), (">=18", "20.20.2", true),
        (">=18 <20", "20.20.2", false), ("^20.1", "20.20.2", true), ("^20.21", "20.20.2", false), ("~20.20.0", "20.20.2", true),
        ("~20.19", "20.20.2", false), ("18 || 20", "20.0.0", true), ("16 - 18", "20.0.0", false), ("16 - 20", "20.5.0", true),
        ("*", "20.0.0", true), ("20.20.2", "20.20.2", true), ("20.20.1", "20.20.2", false), ("<=20", "20.9.0", true),
        (">20", "20.9.0", false), ("v20.x", "20.1.1", true),
    ])
    func nodeRanges(_ range: String, _ version: String, _ expected: Bool) throws {
        let parsed = try #require(NodeVersionRange(range), "\(range) should parse")
        #expect(parsed.isSatisfied(by: version) == expected, "\(range) vs \(version)")
    }

    @Test func nodeRangesThatAreNotRanges() {
        #expect(NodeVersionRange("latest") == nil)
        #expect(NodeVersionRange(">=abc") == nil)
    }

    @Test func pythonVersionRequests() throws {
        let tree = RuntimeFixture.scratch("python-version")
        defer { try? FileManager.default.removeItem(at: tree) }
        #expect(try PythonVersionRequest.read(in: tree) == nil)
        try "python-3.11.7\n".write(to: tree.appendingPathComponent("runtime.txt"), atomically: true, encoding: .utf8)
        #expect(try PythonVersionRequest.read(in: tree) == PythonVersionRequest(version: "3.11.7", file: "runtime.txt"))
        try "# pinned\n3.11\n".write(to: tree.appendingPathComponent(".python-version"), atomically: true, encoding: .utf8)
        let request = try #require(try PythonVersionRequest.read(in: tree))
        #expect(request == PythonVersionRequest(version: "3.11", file: ".python-version"), ".python-version wins")
        #expect(request.isSatisfied(by: "3.11.7") && !request.isSatisfied(by: "3.12.1") && !request.isSatisfied(by: "3.1"))
        try "three\n".write(to: tree.appendingPathComponent(".python-version"), atomically: true, encoding: .utf8)
        #expect(throws: BuildError.self) { try PythonVersionRequest.read(in: tree) }
    }

    @Test func buildpacksByNameOrURL() throws {
        let tree = RuntimeFixture.scratch("buildpacks")
        defer { try? FileManager.default.removeItem(at: tree) }
        try "{}".write(to: tree.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        try "".write(to: tree.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        #expect(try LanguageDetector.languages(in: tree, buildpacks: []) == [.python, .node], "detected: Python first")
        let listed = try LanguageDetector.languages(in: tree, buildpacks: [
            Buildpack(url: "https://github.com/heroku/heroku-buildpack-nodejs.git#v250"), Buildpack(url: "heroku/python"),
        ])
        #expect(listed == [.node, .python], "app.json's order")
        #expect(try LanguageDetector.languages(in: tree, buildpacks: [Buildpack(url: "heroku/nodejs")]) == [.node])
        do {
            _ = try LanguageDetector.languages(in: tree, buildpacks: [Buildpack(url: "heroku/nodejs"), Buildpack(url: "heroku/ruby")])
            Issue.record("heroku/ruby is not a buildpack Slipway runs")
        } catch {
            #expect(error.message.hasPrefix("app.json buildpacks[1]: \"heroku/ruby\" is not a buildpack Slipway can run"))
        }
    }
}
