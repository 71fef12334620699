// ci/bench/junit's program: Slipway's JUnitParser (its own XMLReader) against the parser it replaced
// (FoundationXMLJUnitParser, over Foundation's XMLParser), side by side in one run.
import Foundation

@main
enum JUnitBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        let fixtures = URL(fileURLWithPath: arguments[1])
        let caseCount = arguments.count > 2 ? Int(arguments[2])! : 50_000
        let rounds = 5

        // Memory first, before big parses leave freed pages for a leak to grow into unseen: the resident set's growth
        // over many malformed reports (Foundation's XMLParser leaked a CFError on every parse error).
        let malformed = Data(#"<testsuite name="s"><testcase name="a"></testsuite>"#.utf8)
        let parses = 100_000
        for (label, parse) in [("XMLReader (Slipway)    ", { (d: Data) in _ = try? JUnitParser.parse(d) }),
                               ("XMLParser (Foundation) ", { (d: Data) in _ = try? FoundationXMLJUnitParser.parse(d) })] {
            for _ in 0..<1_000 { parse(malformed) } // warm up allocator pools first
            let before = residentBytes()
            for _ in 0..<parses { parse(malformed) }
            let grown = residentBytes() - before
            print(String(format: "  %@ resident set grew %7.1f KB over %d malformed reports (%.0f bytes each)",
                         label, Double(grown) / 1024, parses, Double(grown) / Double(parses)))
        }

        // Agreement: every fixture and the generated report give the same cases through both parsers.
        var disagreements = 0
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".xml") }.sorted()
        let big = Data(report(cases: caseCount).utf8)
        for (name, data) in names.map({ ($0, try! Data(contentsOf: fixtures.appendingPathComponent($0))) }) + [("generated", big)] {
            let ours = Result { () throws(ReportError) in try JUnitParser.parse(data) }
            let theirs = Result { () throws(ReportError) in try FoundationXMLJUnitParser.parse(data) }
            switch (ours, theirs) {
            case (.success(let a), .success(let b)) where a == b:
                print("agree     \(name): \(a.count) cases")
            default:
                disagreements += 1
                print("DISAGREE  \(name):\n  XMLReader:  \(ours)\n  XMLParser:  \(theirs)")
            }
        }

        // Time: the generated report, each parser in turn, median of the rounds.
        var ourTimes: [Double] = []
        var theirTimes: [Double] = []
        for _ in 0..<rounds {
            ourTimes.append(seconds { _ = try? JUnitParser.parse(big) })
            theirTimes.append(seconds { _ = try? FoundationXMLJUnitParser.parse(big) })
        }
        let ours = median(ourTimes)
        let theirs = median(theirTimes)
        print(String(format: "report: %d cases, %.1f MB; median of %d rounds", caseCount, Double(big.count) / 1e6, rounds))
        print(String(format: "  XMLReader (Slipway)     %8.1f ms  %6.1f MB/s", ours * 1000, Double(big.count) / 1e6 / ours))
        print(String(format: "  XMLParser (Foundation)  %8.1f ms  %6.1f MB/s", theirs * 1000, Double(big.count) / 1e6 / theirs))
        print(String(format: "  ratio: XMLReader takes %.2fx XMLParser's time", ours / theirs))

        if disagreements > 0 {
            print("\(disagreements) disagreement(s)")
            exit(1)
        }
    }

    /// A pytest-shaped report: most cases pass, one in ten fails with a traceback, one in twenty is skipped.
    static func report(cases: Int) -> String {
        var xml = #"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="\#(cases)">"#
        xml.reserveCapacity(cases * 200)
        for index in 0..<cases {
            let head = #"<testcase classname="tests.test_module_\#(index / 50)" name="test_case_\#(index)[param-\#(index % 7)]" time="0.\#(index % 1000)""#
            if index % 10 == 3 {
                xml += head + #"><failure message="assert \#(index) == \#(index + 1)&#10; +  where \#(index) = f()">def test_case():"#
                xml += "\n&gt;       assert f() == \(index + 1)\nE       assert \(index) == \(index + 1)\n\ntests/test_module.py:\(index % 300): AssertionError</failure></testcase>"
            } else if index % 20 == 7 {
                xml += head + #"><skipped type="pytest.skip" message="not yet">tests/test_module.py:12: not yet</skipped></testcase>"#
            } else {
                xml += head + " />"
            }
        }
        return xml + "</testsuite></testsuites>"
    }

    static func seconds(_ work: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func residentBytes() -> Int {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
