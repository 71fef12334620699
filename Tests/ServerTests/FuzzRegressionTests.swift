import Foundation
import Manifest
import Platform
import Sharding
import Testing

/// Every input `ci/fuzz` ever found a crash, leak or hang with (`Fuzz/Regressions/<target>/`), replayed through
/// the normal build of the parser it broke: each must now give an answer (a value or an error), not a crash.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Regressions")

    static func inputs(_ target: String) throws -> [Data] {
        let directory = root.appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    }

    @Test func everyKeptInputIsAnsweredWithoutACrash() throws {
        var replayed = 0
        for data in try Self.inputs("appjson") {
            let load = ManifestLoader.parse(appJSON: Array(data), procfile: Array("web: serve\n".utf8))
            var generator = SystemRandomNumberGenerator()
            _ = ManifestCheck.report(for: load, options: ManifestCheckOptions(context: .review), generator: &generator)
            replayed += 1
        }
        for data in try Self.inputs("procfile") {
            _ = ProcfileParser.parse(Array(data))
            replayed += 1
        }
        for data in try Self.inputs("junit") {
            _ = try? JUnitParser.parse(data)
            replayed += 1
        }
        for data in try Self.inputs("tap") {
            _ = TAPParser.parse(String(decoding: data, as: UTF8.self))
            replayed += 1
        }
        for data in try Self.inputs("webhook") where !data.isEmpty {
            _ = try? GitHubEvent.decode(event: "pull_request", body: data.dropFirst())
            replayed += 1
        }
        #expect(replayed >= 1, "Fuzz/Regressions holds the inputs ci/fuzz found")
    }

    /// The router's framers are replayed with the fuzz targets' own checks (RouterFramingOracle): what they
    /// found were wrong answers more than crashes, so each kept input must now be framed as the rules say.
    @Test(arguments: ["request", "response", "chunked"])
    func everyKeptFramingInputIsFramedAsTheRulesSay(target: String) throws {
        let inputs = try Self.inputs(target)
        #expect(!inputs.isEmpty, "Fuzz/Regressions/\(target) holds the inputs ci/fuzz found")
        for data in inputs {
            let input = FramingFuzzInput(Array(data))
            let violations = switch target {
            case "request": RouterFramingOracle.checkRequests(input)
            case "response": RouterFramingOracle.checkResponse(input)
            default: RouterFramingOracle.checkChunked(input)
            }
            #expect(violations == [], "\(RouterFramingOracle.printable(Array(data)))")
        }
    }

    /// A processing instruction without data (`<?t?>`) made Foundation's XMLParser read a null pointer; it is
    /// dropped before parsing, and the XML declaration is kept.
    @Test func aProcessingInstructionWithoutDataIsDroppedNotACrash() throws {
        let report = #"<?xml version="1.0" encoding="UTF-8"?><?t?><testsuite name="s"><?pi?><testcase classname="c" name="x" time="0.5"/></testsuite>"#
        let cases = try JUnitParser.parse(Data(report.utf8))
        #expect(cases.count == 1)
    }

    /// The first crash found: a JUnit report whose attribute name is not valid UTF-8 trapped inside
    /// Foundation's XMLParser. Repaired, it is a report like any other.
    @Test func aReportWithInvalidUTF8IsRepairedNotACrash() throws {
        let data = Data("<testsuite name=\"s\"><testcase classname=\"c\" na\u{FFFD}me=\"t\" name=\"x\" time=\"0.5\"/></testsuite>".utf8)
            .replacingOccurrences(of: Data("\u{FFFD}".utf8), with: Data([0x86]))
        let cases = try JUnitParser.parse(data)
        #expect(cases.count == 1)
    }
}

private extension Data {
    func replacingOccurrences(of target: Data, with replacement: Data) -> Data {
        guard let range = self.range(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
