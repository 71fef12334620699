// The JUnit parser Slipway had before its own XMLReader (Sources/Sharding/JUnitParser.swift until December 2026),
// over Foundation's XMLParser: ci/bench/junit's baseline, and the reference its results are checked against.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads JUnit XML (`<testsuites>`/`<testsuite>`/`<testcase>` with `<failure>`, `<error>`, `<skipped>`), the
/// format pytest, Jest (jest-junit), Go (gotestsum), RSpec (rspec_junit_formatter), Maven and most others write.
///
/// A `file` attribute on a `testsuite` applies to its cases unless a case names its own.
enum FoundationXMLJUnitParser {
    static func parse(_ data: Data) throws(ReportError) -> [TestCaseResult] {
        let delegate = Delegate()
        let parser = XMLParser(data: withoutProcessingInstructions(validUTF8(data)))
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        guard parser.parse() else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw ReportError(message: "not valid JUnit XML (line \(parser.lineNumber)): \(reason)")
        }
        guard delegate.closedRoot else {
            throw ReportError(message: "not valid JUnit XML: the document ends before its root element is closed")
        }
        guard delegate.sawJUnitRoot else {
            throw ReportError(message: "not JUnit XML: the root element is not <testsuites> or <testsuite>")
        }
        return delegate.cases
    }

    /// The report with every invalid UTF-8 sequence replaced by U+FFFD. Foundation's XMLParser traps (the whole
    /// process dies) on an element or attribute name that is not valid UTF-8 — found by `ci/fuzz junit` — and a
    /// report is written by the code under test, so it must never reach the parser unrepaired.
    static func validUTF8(_ data: Data) -> Data {
        if String(validating: data, as: UTF8.self) != nil { return data }
        return Data(String(decoding: data, as: UTF8.self).utf8)
    }

    /// The report without processing instructions (`<?target data?>`) other than a leading XML declaration. Foundation's
    /// XMLParser dereferences a null pointer on one without data (`<?t?>`) and the process dies — found by
    /// `ci/fuzz junit`; JUnit reports carry none that matter. Each becomes a space, not nothing: taking one out
    /// joined what stood around it into a new one (`<` `<?x?>` `?t?>` made `<?t?>`, found by the next run).
    static func withoutProcessingInstructions(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?") {
                let isDeclaration = result.allSatisfy { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
                    && bytes[index...].starts(with: Array("<?xml ".utf8))
                var end = index + 2
                while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "?") && bytes[end + 1] == UInt8(ascii: ">")) { end += 1 }
                let next = min(end + 2, bytes.count)
                if isDeclaration { result.append(contentsOf: bytes[index..<next]) } else { result.append(0x20) }
                index = next
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return Data(result)
    }

    /// Builds results element by element. Used by one parse on one thread only.
    private final class Delegate: NSObject, XMLParserDelegate {
        var cases: [TestCaseResult] = []
        var sawJUnitRoot = false
        var closedRoot = false
        private var suiteFiles: [String?] = []
        private var current: TestCaseResult?
        private var text = ""
        private var capturingText = false
        private var depth = 0

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            if depth == 1 { sawJUnitRoot = element == "testsuites" || element == "testsuite" }
            switch element {
            case "testsuite":
                suiteFiles.append(attributes["file"] ?? suiteFiles.last ?? nil)
            case "testcase":
                current = TestCaseResult(
                    name: attributes["name"] ?? "",
                    className: attributes["classname"].flatMap { $0.isEmpty ? nil : $0 },
                    file: attributes["file"] ?? suiteFiles.last ?? nil,
                    seconds: attributes["time"].flatMap(Double.init),
                    outcome: .passed
                )
            case "failure", "error":
                guard current != nil else { break }
                current?.outcome = .failed
                let heading = [attributes["type"], attributes["message"]].compactMap { $0 }.joined(separator: ": ")
                current?.message = heading
                text = ""
                capturingText = true
            case "skipped":
                if current?.outcome == .passed { current?.outcome = .skipped }
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if capturingText { text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            if capturingText { text += String(decoding: block, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
            if depth == 0 { closedRoot = true }
            switch element {
            case "testsuite":
                _ = suiteFiles.popLast()
            case "testcase":
                if let finished = current { cases.append(finished) }
                current = nil
            case "failure", "error":
                capturingText = false
                let detail = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !detail.isEmpty {
                    let heading = current?.message ?? ""
                    current?.message = heading.isEmpty ? detail : heading + "\n" + detail
                }
            default:
                break
            }
        }
    }
}
