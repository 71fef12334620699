import Foundation

/// Reads JUnit XML (`<testsuites>`/`<testsuite>`/`<testcase>` with `<failure>`, `<error>`, `<skipped>`), the
/// format pytest, Jest (jest-junit), Go (gotestsum), RSpec (rspec_junit_formatter), Maven and most others write.
///
/// A `file` attribute on a `testsuite` applies to its cases unless a case names its own. The XML is read by
/// Slipway's own `XMLReader`: reports are written by the code under test, and Foundation's XMLParser leaked on
/// every malformed one and crashed on a few.
public enum JUnitParser {
    public static func parse(_ data: Data) throws(ReportError) -> [TestCaseResult] {
        var reader = XMLReader(Array(data))
        var builder = CaseBuilder()
        do {
            while let event = try reader.next() { builder.take(event) }
        } catch {
            throw ReportError(message: "not valid JUnit XML (line \(error.line), column \(error.column)): \(error.reason)")
        }
        guard builder.sawJUnitRoot else {
            throw ReportError(message: "not JUnit XML: the root element is not <testsuites> or <testsuite>")
        }
        return builder.cases
    }

    /// Builds results element by element from a well-formed document's events.
    private struct CaseBuilder {
        var cases: [TestCaseResult] = []
        var sawJUnitRoot = false
        private var suiteFiles: [String?] = []
        private var current: TestCaseResult?
        private var text = ""
        private var capturingText = false
        private var depth = 0

        mutating func take(_ event: XMLEvent) {
            switch event {
            case .start(let element, let attributes): start(element, attributes)
            case .end(let element): end(element)
            case .text(let string): if capturingText { text += string }
            }
        }

        private mutating func start(_ element: String, _ attributes: [String: String]) {
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

        private mutating func end(_ element: String) {
            depth -= 1
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

/// A report that could not be read.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
