import Foundation
import Manifest
import NIOCore
import Platform
import Sharding
import Testing

@testable import EdgeRouter

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

    /// What the router's framers were found doing, each now refused or repaired (the inputs are in
    /// Fuzz/Regressions/request|response|chunked; these say which answer is the right one).
    @Test func aConnectionHeaderNamingContentLengthIsRefused() {
        let smuggling = "POST / HTTP/1.1\r\nHost: a.example\r\nConnection: content-length\r\nContent-Length: 5\r\n\r\nhello"
        #expect(throws: ResponseFramer.FramingError.self) {
            try RequestFramer().feed(ByteBuffer(string: smuggling)) { _ in }
        }
    }

    @Test func aHostThatIsNotAHostIsRefused() {
        #expect(throws: ResponseFramer.FramingError.self) {
            try RequestFramer().feed(ByteBuffer(bytes: Array("GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n".utf8).map { $0 == 1 ? 0xF5 : $0 })) { _ in }
        }
    }

    @Test func aResponseLosesContentLengthBesideChunked() throws {
        let framer = ResponseFramer()
        framer.expect(ResponseFramer.Expectation())
        var head = ""
        try framer.feed(
            ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            allocator: ByteBufferAllocator()
        ) { event in
            if case .head(let parsed) = event { head = String(buffer: parsed.bytes) }
        }
        #expect(head == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    @Test func aBareCRInChunkedTrailersIsRefused() {
        var scanner = ChunkedBodyScanner()
        var body = ByteBuffer(string: "3\r\nabc\r\n0\r\n\r\r\nX-Next: 1\r\n\r\n")
        #expect(throws: ResponseFramer.FramingError.self) {
            _ = try scanner.consume(&body, raw: true) { _ in }
        }
    }

    /// A processing instruction without data (`<?t?>`) made Foundation's XMLParser read a null pointer; Slipway's
    /// XMLReader skips it like any other, and the XML declaration is read.
    @Test func aProcessingInstructionWithoutDataIsDroppedNotACrash() throws {
        let report = #"<?xml version="1.0" encoding="UTF-8"?><?t?><testsuite name="s"><?pi?><testcase classname="c" name="x" time="0.5"/></testsuite>"#
        let cases = try JUnitParser.parse(Data(report.utf8))
        #expect(cases.count == 1)
    }

    /// The workaround for that, taking processing instructions out before XMLParser saw them, joined neighbours
    /// into a new one (`<` `<?x?>` `?t?>` made `<?t?>`) and the null-pointer read came back; a `<` that starts no
    /// tag is refused.
    @Test func aProcessingInstructionJoinedByRemovalIsRefusedNotACrash() {
        let report = #"<testsuite name="s"><<?x?>?t?><testcase classname="c" name="x"/></testsuite>"#
        #expect(throws: ReportError.self) { try JUnitParser.parse(Data(report.utf8)) }
    }

    /// The first crash found: a JUnit report whose attribute name is not valid UTF-8 trapped inside
    /// Foundation's XMLParser. Such bytes become U+FFFD, and it is a report like any other.
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
