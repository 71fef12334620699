import Foundation
import Testing
@testable import Sharding

/// Slipway's XML reader (`XMLReader`), the one JUnit reports are read with: what it reads and what it refuses.
@Suite("XML reader")
struct XMLReaderTests {
    /// Every event of a document, adjacent text joined into one.
    static func events(_ document: String) throws(XMLError) -> [XMLEvent] {
        try events(Array(document.utf8))
    }

    static func events(_ bytes: [UInt8]) throws(XMLError) -> [XMLEvent] {
        var reader = XMLReader(bytes)
        var events: [XMLEvent] = []
        while let event = try reader.next() {
            if case .text(let more) = event, case .text(let text)? = events.last {
                events[events.count - 1] = .text(text + more)
            } else {
                events.append(event)
            }
        }
        return events
    }

    /// The error a document is refused with, or nil if it was read.
    static func refusal(_ document: String) -> XMLError? {
        do {
            _ = try events(document)
            return nil
        } catch {
            return error
        }
    }

    /// The text of a one-element document `<a>…</a>`.
    static func text(_ content: String) throws -> String? {
        let read = try events("<a>\(content)</a>")
        guard read.count == 3, case .text(let text) = read[1] else { return nil }
        return text
    }

    @Test("the five predefined entities")
    func predefinedEntities() throws {
        #expect(try Self.text("&lt;&gt;&amp;&apos;&quot; and &amp;lt;") == "<>&'\" and &lt;")
    }

    @Test("character references, decimal and hex, to the last code point")
    func characterReferences() throws {
        #expect(try Self.text("&#65;&#x42;&#xe9;&#xE9;&#233;&#x1F600;&#x10FFFF;&#9;&#10;") == "ABéé\u{E9}😀\u{10FFFF}\t\n")
    }

    @Test("a character reference XML does not allow is refused",
          arguments: ["&#0;", "&#x1;", "&#xD800;", "&#xDFFF;", "&#xFFFE;", "&#xFFFF;", "&#x110000;",
                      "&#99999999999999999999999;", "&#;", "&#x;", "&#12a;", "&#X41;", "&#65"])
    func badCharacterReference(reference: String) {
        let error = Self.refusal("<a>\n\(reference)</a>")
        #expect(error?.line == 2)
        #expect(error?.column == 1)
        #expect(error?.reason.contains("character") == true)
    }

    @Test("only the predefined entities: an unknown one, or a bare '&', is refused", arguments: ["&nbsp;", "&amp", "& ", "&;"])
    func unknownEntity(reference: String) {
        let error = Self.refusal("<a>\(reference)</a>")
        #expect(error?.line == 1)
        #expect(error?.column == 4)
    }

    @Test("CDATA sections: read as written, ']]' inside, empty, beside text")
    func cdata() throws {
        #expect(try Self.text("x<![CDATA[<b>&amp; \"q\"]]>y") == "x<b>&amp; \"q\"y")
        #expect(try Self.text("<![CDATA[a]]b]]]>") == "a]]b]")
        #expect(try Self.events("<a><![CDATA[]]></a>") == [.start(name: "a", attributes: [:]), .end(name: "a")])
    }

    @Test("comments are skipped before, inside and after the root")
    func comments() throws {
        #expect(try Self.events("<!-- a -->\n<a>x<!-- <b> & -->y</a><!--after-->\n") ==
            [.start(name: "a", attributes: [:]), .text("xy"), .end(name: "a")])
        #expect(try Self.text("<!---->") == nil)
    }

    @Test("a DOCTYPE is skipped, quoted literals and all")
    func doctype() throws {
        let document = #"<!DOCTYPE testsuite PUBLIC "-//X//DTD [x]//EN" 'junit>.dtd'><testsuite/>"#
        #expect(try Self.events(document) == [.start(name: "testsuite", attributes: [:]), .end(name: "testsuite")])
    }

    @Test("a DOCTYPE with an internal subset is refused: no entity is ever declared, so none is expanded")
    func billionLaughs() {
        let document = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        ]>
        <testsuite name="&lol1;"/>
        """
        let error = Self.refusal(document)
        #expect(error?.line == 2)
        #expect(error?.column == 16)
        #expect(error?.reason.contains("internal subset") == true)
    }

    @Test("a byte order mark and an XML declaration at the start")
    func bomAndDeclaration() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"<?xml version="1.0" encoding="UTF-8"?><a/>"#.utf8)
        #expect(try Self.events(bytes) == [.start(name: "a", attributes: [:]), .end(name: "a")])
        #expect(try Self.events([0xEF, 0xBB, 0xBF] + Array("<a/>".utf8)).count == 2)
    }

    @Test("processing instructions are skipped, even without data")
    func processingInstructions() throws {
        #expect(try Self.events("<?t?><a><?pi some data?>x<?t?></a><?after?>") ==
            [.start(name: "a", attributes: [:]), .text("x"), .end(name: "a")])
    }

    @Test("attributes: either quote, the other quote inside, references, tabs and line ends become spaces")
    func attributes() throws {
        let document = "<a one='1 \"q\"' two=\"it's\" three = \"a&amp;b&#10;c\" four=\"x\ty\nz\r\nw\rv\" five=''/>"
        #expect(try Self.events(document) == [
            .start(name: "a", attributes: ["one": "1 \"q\"", "two": "it's", "three": "a&b\nc", "four": "x y z w v", "five": ""]),
            .end(name: "a"),
        ])
    }

    @Test("empty-element tags end at once; names with prefixes, dots, dashes and digits")
    func emptyElements() throws {
        #expect(try Self.events(#"<r><a/><b x="1" /><ns:c-d.e2></ns:c-d.e2 ></r>"#) == [
            .start(name: "r", attributes: [:]),
            .start(name: "a", attributes: [:]), .end(name: "a"),
            .start(name: "b", attributes: ["x": "1"]), .end(name: "b"),
            .start(name: "ns:c-d.e2", attributes: [:]), .end(name: "ns:c-d.e2"),
            .end(name: "r"),
        ])
    }

    @Test("line ends in text become \\n")
    func lineEnds() throws {
        #expect(try Self.text("a\r\nb\rc\nd") == "a\nb\nc\nd")
        #expect(try Self.text("<![CDATA[a\r\nb\rc]]>") == "a\nb\nc")
    }

    @Test("bytes that are not UTF-8 become U+FFFD, in names, values and text")
    func invalidUTF8() throws {
        let bytes = Array("<a n\u{1}me='v\u{1}' >t\u{1}</a>".utf8).map { $0 == 1 ? 0x86 : $0 }
        #expect(try Self.events(bytes) == [
            .start(name: "a", attributes: ["n\u{FFFD}me": "v\u{FFFD}"]), .text("t\u{FFFD}"), .end(name: "a"),
        ])
    }

    @Test("each well-formedness error names its line and column", arguments: [
        ("<a>\n  <b></c>\n</a>", 2, 6, "does not match <b> (line 2)"),
        ("<testsuites>\n<testsuite>\n</testsuite>\n", 4, 1, "ends before <testsuites> (line 1) is closed"),
        ("<a/>\n<b/>", 2, 1, "junk after the root element"),
        ("<a/>\njunk", 2, 1, "junk after the root element"),
        ("<a></a></a>", 1, 8, "has no start tag"),
        ("\n text <a/>", 2, 2, "text before the root element"),
        ("<a x=\"1 < 2\"/>", 1, 9, "'<' in the value of attribute x"),
        ("<a>\n<!-- never closed\n</a>", 2, 1, "comment is never closed"),
        ("<a><!-- a -- b --></a>", 1, 11, "'--' inside a comment"),
        ("<a>\n<![CDATA[ never closed</a>", 2, 1, "CDATA section is never closed"),
        ("<![CDATA[x]]><a/>", 1, 1, "CDATA section outside the root element"),
        ("<a>\n<?pi never closed</a>", 2, 1, "never closed with '?>'"),
        ("<a\n  x=\"never closed/>", 2, 5, "attribute x is never closed"),
        ("<a x=\"1\"", 1, 1, "start tag <a> is never closed"),
        ("<a></a", 1, 4, "end tag </a> is never closed"),
        ("<!DOCTYPE a", 1, 1, "DOCTYPE is never closed"),
        ("<a/><!DOCTYPE a>", 1, 5, "DOCTYPE is only allowed once, before the root element"),
        ("<a>&#xD800;</a>", 1, 4, "not a character XML allows"),
        ("<a>]]></a>", 1, 4, "']]>' outside a CDATA section"),
        ("<a x=1/>", 1, 6, "must be in quotes"),
        ("<a x/>", 1, 5, "has no '=' and value"),
        ("<a x=\"1\"y=\"2\"/>", 1, 9, "unexpected 'y'"),
        ("<a x=\"1\" x=\"2\"/>", 1, 10, "appears twice"),
        ("<a>< b/></a>", 1, 4, "'<' must start a tag"),
        ("<a>\u{1}</a>", 1, 4, "control character U+0001"),
        ("<a>\u{FFFF}</a>", 1, 4, "noncharacter U+FFFF"),
        ("<a/>\n<?xml version=\"1.0\"?>", 2, 1, "only allowed at the very start"),
        ("<?xml?><a/>", 1, 6, "must start with its version"),
        ("<!ELEMENT a><a/>", 1, 1, "'<!' must start a comment"),
        ("", 1, 1, "no root element"),
        ("  \r\n  \r\n", 3, 1, "no root element"),
        ("<é>\n<ü></é>", 2, 4, "does not match <ü>"),
    ] as [(String, Int, Int, String)])
    func wellFormednessErrors(document: String, line: Int, column: Int, reason: String) {
        let error = Self.refusal(document)
        #expect(error?.line == line, "\(error.map(String.init(describing:)) ?? "read")")
        #expect(error?.column == column, "\(error.map(String.init(describing:)) ?? "read")")
        #expect(error?.reason.contains(reason) == true, "\(error.map(String.init(describing:)) ?? "read")")
    }

    @Test("elements nest up to 256 deep; one more is an error, and a very deep input is refused, not a stack overflow")
    func depthLimit() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<e>", count: depth) + String(repeating: "</e>", count: depth)
        }
        #expect(try Self.events(nested(XMLReader.maximumDepth)).count == 2 * XMLReader.maximumDepth)
        let error = Self.refusal(nested(XMLReader.maximumDepth + 1))
        #expect(error?.reason == "elements are nested more than 256 deep")
        #expect(error?.column == 3 * XMLReader.maximumDepth + 1)
        #expect(Self.refusal(String(repeating: "<e>", count: 1_000_000))?.reason == "elements are nested more than 256 deep")
    }

    @Test("a JUnit report's XML error names the line and column")
    func junitErrorWording() {
        #expect(throws: ReportError(message: "not valid JUnit XML (line 2, column 1): the end tag </testsuites> does not match <testsuite> (line 1)")) {
            try JUnitParser.parse(Data("<testsuites><testsuite>\n</testsuites>".utf8))
        }
    }

    @Test("a 50,000-case report is read whole")
    func largeReport() throws {
        var xml = #"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="big">"#
        for index in 0..<50_000 {
            if index % 10 == 0 {
                xml += #"<testcase classname="tests.m\#(index / 100)" name="t\#(index)" time="0.01"><failure message="m&#10;x">trace &lt;\#(index)&gt;</failure></testcase>"#
            } else {
                xml += #"<testcase classname="tests.m\#(index / 100)" name="t\#(index)" time="0.01"/>"#
            }
        }
        xml += "</testsuite></testsuites>"
        let cases = try JUnitParser.parse(Data(xml.utf8))
        #expect(cases.count == 50_000)
        #expect(cases.filter { $0.outcome == .failed }.count == 5_000)
        #expect(cases[49_990].message == "m\nx\ntrace <49990>")
    }
}
