import Foundation
import Testing
@testable import Sharding

/// Reports shaped as the common JUnit writers write them (`fixtures/reports/junit/`), each read into exactly the
/// cases listed here. These results were first checked against Foundation's XMLParser, the parser Slipway used
/// before its own XML reader, so the switch changed no result.
@Suite("JUnit reports as real writers write them")
struct RealJUnitReportTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/reports/junit")

    static func cases(in name: String) throws -> [TestCaseResult] {
        try JUnitParser.parse(Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test("pytest --junitxml: a char reference in an attribute, escaped text, empty classname, system-out ignored")
    func pytest() throws {
        #expect(try Self.cases(in: "pytest.xml") == [
            TestCaseResult(name: "test_total", className: "tests.test_cart", seconds: 0.001, outcome: .passed),
            TestCaseResult(name: "test_discount[10-0.9]", className: "tests.test_cart", seconds: 0.002, outcome: .failed,
                           message: "assert 9.0 == 9.5\n +  where 9.0 = total(10, discount=0.1)\ndef test_discount():\n>       assert total(10, discount=0.1) == 9.5\nE       assert 9.0 == 9.5\nE        +  where 9.0 = total(10, discount=0.1)\n\ntests/test_cart.py:12: AssertionError"),
            TestCaseResult(name: "test_later", className: "tests.test_cart", seconds: 0, outcome: .skipped),
            TestCaseResult(name: "test_ok", className: "tests.test_login", seconds: 0.031, outcome: .passed),
            TestCaseResult(name: "tests.test_broken", seconds: 0, outcome: .failed,
                           message: "collection failure\nImportError while importing test module '/app/tests/test_broken.py'.\nE   ModuleNotFoundError: No module named 'missing'"),
        ])
    }

    @Test("jest-junit: indented, file attributes on cases, quotes and ampersands escaped in names")
    func jest() throws {
        let file = "/app/src/cart.test.js"
        #expect(try Self.cases(in: "jest-junit.xml") == [
            TestCaseResult(name: "cart adds items", className: "cart adds items", file: file, seconds: 0.003, outcome: .passed),
            TestCaseResult(name: "cart applies a discount", className: "cart applies a discount", file: file, seconds: 0.004,
                           outcome: .failed,
                           message: "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 9.5\nReceived: 9\n    at Object.toBe (/app/src/cart.test.js:12:20)\n    at Promise.then.completed (/app/node_modules/jest-circus/build/utils.js:298:28)"),
            TestCaseResult(name: "cart \"later\" & more", className: "cart \"later\" & more", file: file, seconds: 0,
                           outcome: .skipped),
            TestCaseResult(name: "login › accepts a good password", className: "login › accepts a good password",
                           file: "/app/src/login.test.js", seconds: 0.011, outcome: .passed),
        ])
    }

    @Test("gotestsum: tabs, properties, hex char references for newlines, an empty type")
    func gotestsum() throws {
        let cart = "example.com/shop/cart"
        #expect(try Self.cases(in: "gotestsum.xml") == [
            TestCaseResult(name: "TestTotal", className: cart, seconds: 0, outcome: .passed),
            TestCaseResult(name: "TestDiscount", className: cart, seconds: 0, outcome: .failed,
                           message: ": Failed\n=== RUN   TestDiscount\n    cart_test.go:12: got 9, want 9.5\n--- FAIL: TestDiscount (0.00s)"),
            TestCaseResult(name: "TestLater", className: cart, seconds: 0, outcome: .skipped),
            TestCaseResult(name: "TestLogin/good_password", className: "example.com/shop/login", seconds: 0.001, outcome: .passed),
        ])
    }

    @Test("rspec_junit_formatter: a root testsuite, raw newlines in an attribute become spaces, &apos;")
    func rspec() throws {
        let file = "./spec/cart_spec.rb"
        #expect(try Self.cases(in: "rspec.xml") == [
            TestCaseResult(name: "Cart totals the items", className: "spec.cart_spec", file: file, seconds: 0.001234, outcome: .passed),
            TestCaseResult(name: "Cart applies a discount", className: "spec.cart_spec", file: file, seconds: 0.002345,
                           outcome: .failed,
                           message: "RSpec::Expectations::ExpectationNotMetError:  expected: 9.5      got: 9.0  (compared using ==) \nFailure/Error: expect(cart.total).to eq(9.5)\n\n  expected: 9.5\n       got: 9.0\n\n  (compared using ==)\n./spec/cart_spec.rb:12:in `block (2 levels) in <top (required)>'"),
            TestCaseResult(name: "Cart later", className: "spec.cart_spec", file: file, seconds: 0.000012, outcome: .skipped),
        ])
    }

    @Test("Maven Surefire: namespaced attributes, CDATA stack traces, error, system-out after the error")
    func surefire() throws {
        let className = "com.acme.CartTest"
        #expect(try Self.cases(in: "maven-surefire.xml") == [
            TestCaseResult(name: "totalsItems", className: className, seconds: 0.004, outcome: .passed),
            TestCaseResult(name: "appliesDiscount", className: className, seconds: 0.012, outcome: .failed,
                           message: "org.opentest4j.AssertionFailedError: expected: <9.5> but was: <9.0>\norg.opentest4j.AssertionFailedError: expected: <9.5> but was: <9.0>\n\tat com.acme.CartTest.appliesDiscount(CartTest.java:21)"),
            TestCaseResult(name: "readsPrices", className: className, seconds: 0.001, outcome: .failed,
                           message: "java.io.FileNotFoundException: prices.csv (No such file or directory)\njava.io.FileNotFoundException: prices.csv (No such file or directory)\n\tat com.acme.CartTest.readsPrices(CartTest.java:30)"),
            TestCaseResult(name: "later", className: className, seconds: 0, outcome: .skipped),
        ])
    }

    @Test("BOM, declaration, DOCTYPE, comments, processing instructions, CRLF, single quotes, tab in a value")
    func features() throws {
        #expect(try Self.cases(in: "features.xml") == [
            TestCaseResult(name: "tab here", className: "café é😀", file: "tests/features.sh", seconds: 0.001, outcome: .passed),
            TestCaseResult(name: "crlf", file: "tests/features.sh", outcome: .failed,
                           message: "one two\nline one\nline two <>&\"'  <raw> &"),
            TestCaseResult(name: "own file", file: "tests/other.sh", outcome: .failed, message: "after skip"),
        ])
    }
}
