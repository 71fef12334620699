import Foundation
import Testing
@testable import Sharding

@Suite("JUnit, TAP, attribution and verdicts")
struct ReportTests {
    static let pytestXML = """
    <?xml version="1.0" encoding="utf-8"?>
    <testsuites><testsuite name="pytest" errors="1" failures="1" tests="4" time="1.2">
    <testcase classname="tests.test_login" name="test_ok" time="0.5"/>
    <testcase classname="tests.test_login" name="test_bad" time="0.25"><failure message="assert 1 == 2">tests/test_login.py:12: AssertionError</failure></testcase>
    <testcase classname="tests.test_cart" name="test_skip" time="0"><skipped message="later"/></testcase>
    <testcase classname="" name="tests.test_broken" time="0"><error message="collection failure"><![CDATA[ImportError: no module x]]></error></testcase>
    </testsuite></testsuites>
    """

    @Test("JUnit: cases, outcomes, times, messages with CDATA")
    func junit() throws {
        let cases = try JUnitParser.parse(Data(Self.pytestXML.utf8))
        #expect(cases.count == 4)
        #expect(cases.map(\.outcome) == [.passed, .failed, .skipped, .failed])
        #expect(cases[1].message == "assert 1 == 2\ntests/test_login.py:12: AssertionError")
        #expect(cases[3].message?.contains("ImportError") == true)
        #expect(cases[0].seconds == 0.5)
    }

    @Test("JUnit: a testsuite's file applies to its cases")
    func junitSuiteFile() throws {
        let xml = #"<testsuite name="x" file="spec/a_spec.rb"><testcase name="works"/></testsuite>"#
        #expect(try JUnitParser.parse(Data(xml.utf8)).first?.file == "spec/a_spec.rb")
    }

    @Test("JUnit: malformed or foreign XML is an error", arguments: ["<testsuites><testcase>", "<html></html>", "not xml"])
    func junitInvalid(text: String) {
        #expect(throws: ReportError.self) { try JUnitParser.parse(Data(text.utf8)) }
    }

    @Test("TAP: points, directives, bail out, diagnostics; indented subtests ignored")
    func tap() {
        let text = """
        TAP version 13
        1..5
        ok 1 - tests/a.t
        not ok 2 - tests/b.t
          ---
          message: expected 3
          ...
        # got 4
            ok 1 - a subtest, ignored
        ok 3 tests/c.t # SKIP no database
        not ok 4 - tests/d.t # TODO not written yet
        Bail out! database went away
        """
        #expect(TAPParser.looksLikeTAP(text))
        #expect(!TAPParser.looksLikeTAP("compiling...\nokay then\n"))
        let cases = TAPParser.parse(text)
        #expect(cases.map(\.name) == ["tests/a.t", "tests/b.t", "tests/c.t", "tests/d.t", "Bail out!"])
        #expect(cases.map(\.outcome) == [.passed, .failed, .skipped, .skipped, .failed])
        #expect(cases[1].message == "message: expected 3\ngot 4")
        #expect(cases[4].message == "database went away")
    }

    @Test("attribution: file attribute, path in name, dotted class name, base name, single file")
    func attribution() {
        let files = ["tests/test_login.py", "tests/test_cart.py", "src/test/LoginTest.java", "t/a.t"]
        let attribution = ResultAttribution(files: files, roots: ["/work/w0/app"])
        #expect(attribution.file(for: TestCaseResult(name: "x", file: "/work/w0/app/tests/test_cart.py", outcome: .passed)) == "tests/test_cart.py")
        #expect(attribution.file(for: TestCaseResult(name: "x", file: "./t/a.t", outcome: .passed)) == "t/a.t")
        #expect(attribution.file(for: TestCaseResult(name: "t/a.t", outcome: .passed)) == "t/a.t")
        #expect(attribution.file(for: TestCaseResult(name: "test_ok", className: "tests.test_login", outcome: .passed)) == "tests/test_login.py")
        #expect(attribution.file(for: TestCaseResult(name: "t", className: "tests.test_login.TestLogin", outcome: .passed)) == "tests/test_login.py")
        #expect(attribution.file(for: TestCaseResult(name: "t", className: "com.acme.LoginTest", outcome: .passed)) == "src/test/LoginTest.java")
        #expect(attribution.file(for: TestCaseResult(name: "unknown", outcome: .failed)) == nil)
        #expect(ResultAttribution(files: ["only.sh"]).file(for: TestCaseResult(name: "x", outcome: .failed)) == "only.sh")
    }

    @Test("attribution: the most specific file wins, whatever the batch's order")
    func attributionPrefersTheMostSpecificFile() {
        for files in [["tests/a_test.sh", "tests/a_test.sh.d/b", "tests/a.py", "tests/a/b.py"],
                      ["tests/a/b.py", "tests/a.py", "tests/a_test.sh.d/b", "tests/a_test.sh"]] {
            let attribution = ResultAttribution(files: files)
            // A path inside the name: the longest one it contains.
            #expect(attribution.file(for: TestCaseResult(name: "ok 1 - tests/a_test.sh.d/b", outcome: .passed)) == "tests/a_test.sh.d/b")
            #expect(attribution.file(for: TestCaseResult(name: "ok 2 - tests/a_test.sh", outcome: .passed)) == "tests/a_test.sh")
            #expect(attribution.file(for: TestCaseResult(name: "x", className: "in tests/a_test.sh:3", outcome: .passed)) == "tests/a_test.sh")
            // A dotted class name: the longest stem it starts with.
            #expect(attribution.file(for: TestCaseResult(name: "t", className: "tests.a.b.TestX", outcome: .passed)) == "tests/a/b.py")
            #expect(attribution.file(for: TestCaseResult(name: "t", className: "tests.a.TestY", outcome: .passed)) == "tests/a.py")
            #expect(attribution.file(for: TestCaseResult(name: "t", className: "tests.ab", outcome: .passed)) == nil)
            // A base name two files share places nothing.
            #expect(attribution.file(for: TestCaseResult(name: "t", className: "other.b", outcome: .passed)) == nil)
        }
        let unicode = ResultAttribution(files: ["tests/ünïcödé_test.sh", "tests/test_é.py"])
        #expect(unicode.file(for: TestCaseResult(name: "ok 1 - tests/ünïcödé_test.sh", outcome: .passed)) == "tests/ünïcödé_test.sh")
        #expect(unicode.file(for: TestCaseResult(name: "t", className: "tests.test_é", outcome: .passed)) == "tests/test_é.py")
    }

    @Test("verdicts: reports decide per file; the exit status decides for the rest")
    func verdicts() {
        let files = ["a", "b", "c"]
        let attribution = ResultAttribution(files: files)
        let failOnB = [TestCaseResult(name: "a", outcome: .passed), TestCaseResult(name: "b", outcome: .failed, message: "boom")]
        let failed = BatchOutcome(succeeded: false, summary: "exit status 1")
        let explained = BatchVerdict.judge(files: files, cases: failOnB, outcome: failed, attribution: attribution)
        #expect(explained.map(\.passed) == [true, false, true])
        #expect(explained[1].reason == "b: boom")

        let nothing = BatchVerdict.judge(files: files, cases: [], outcome: failed, attribution: attribution)
        #expect(nothing.map(\.passed) == [false, false, false])
        #expect(nothing[0].reason == "exit status 1")

        let passedButExit = BatchVerdict.judge(files: files, cases: [TestCaseResult(name: "a", outcome: .passed)],
                                               outcome: failed, attribution: attribution)
        #expect(passedButExit.map(\.passed) == [true, false, false])

        let fine = BatchVerdict.judge(files: files, cases: [], outcome: BatchOutcome(succeeded: true, summary: "exit status 0"),
                                      attribution: attribution)
        #expect(fine.allSatisfy { $0.passed })

        let unplaced = BatchVerdict.judge(files: files, cases: failOnB + [TestCaseResult(name: "mystery", outcome: .failed)],
                                          outcome: failed, attribution: attribution)
        #expect(unplaced.map(\.passed) == [true, false, false])
        #expect(unplaced[2].reason?.contains("mystery") == true)
    }

    @Test("merged JUnit: escapes everything, parses back, marks flaky files")
    func mergedJUnit() throws {
        let files = [
            FileResult(path: "tests/<odd> & \"name\".sh", worker: 0, seconds: 1.5, status: .passed, attempts: 1),
            FileResult(path: "tests/b.sh", worker: 1, seconds: 0.5, status: .failed, attempts: 2,
                       failure: "exit status 1\n\u{1B}[31mred\u{1B}[0m <tag>"),
            FileResult(path: "tests/c.sh", worker: 2, seconds: 0.25, status: .flaky, attempts: 2,
                       cases: [TestCaseResult(name: "case", className: "C", seconds: 0.25, outcome: .passed)]),
        ]
        let xml = JUnitWriter.document(for: files, wallSeconds: 2)
        let cases = try JUnitParser.parse(Data(xml.utf8))
        #expect(cases.count == 3)
        #expect(cases.map(\.file) == ["tests/<odd> & \"name\".sh", "tests/b.sh", "tests/c.sh"])
        #expect(cases[1].outcome == .failed)
        #expect(cases[1].message?.contains("<tag>") == true)
        #expect(xml.contains("<property name=\"slipway.status\" value=\"flaky\"/>"))
        #expect(!xml.contains("\u{1B}"))
    }
}
