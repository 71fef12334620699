import Testing
@testable import Manifest

@Suite struct JSONParserTests {
    private func parseError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryKindOfValueAndKeepsOrder() throws {
        let document = try JSONParser.parse(#"{"b": [1, -2.5e3, true, false, null], "a": {"s": "x\ty\u00e9\ud83d\ude00"}}"#)
        guard case .object(let root) = document.value else {
            Issue.record("expected an object")
            return
        }
        #expect(root.keys == ["b", "a"])
        #expect(root["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        guard case .object(let inner)? = root["a"] else {
            Issue.record("expected an inner object")
            return
        }
        #expect(inner["s"] == .string("x\tyé😀"))
        #expect(document.duplicateKeys.isEmpty)
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValueAndAreReportedWithPathAndPosition() throws {
        let text = "{\n  \"stack\": \"a\",\n  \"env\": {\"X\": \"1\", \"X\": \"2\"},\n  \"stack\": \"b\"\n}"
        let document = try JSONParser.parse(text)
        guard case .object(let root) = document.value else {
            Issue.record("expected an object")
            return
        }
        #expect(root.keys == ["stack", "env"])
        #expect(root["stack"] == .string("b"))
        #expect(document.duplicateKeys.map(\.path.description) == ["env.X", "stack"])
        #expect(document.duplicateKeys.map(\.position) == [SourcePosition(line: 3, column: 21), SourcePosition(line: 4, column: 3)])
    }

    @Test func pythonTrueIsReportedAtItsLineAndColumnWithAHint() {
        let error = parseError("{\n  \"required\": True\n}")
        #expect(error?.code == .invalidLiteral)
        #expect(error?.position == SourcePosition(line: 2, column: 15))
        #expect(error?.message.contains("did you mean true?") == true)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", JSONSyntaxError.Code.trailingComma, "trailing comma"),
        ("{'a': 1}", .unexpectedCharacter, "double quotes"),
        ("{\"a\": 'x'}", .unexpectedCharacter, "double quotes"),
        ("// comment\n{}", .unexpectedCharacter, "comments"),
        ("{\"a\": 01}", .invalidNumber, "leading zeros"),
        ("{\"a\": +1}", .unexpectedCharacter, "'+'"),
        ("{\"a\": .5}", .unexpectedCharacter, "digit before"),
        ("{\"a\": 1.}", .invalidNumber, "after '.'"),
        ("{\"a\": 1e}", .invalidNumber, "exponent"),
        ("{\"a\": NaN}", .invalidLiteral, "no NaN"),
        ("{\"a\": None}", .invalidLiteral, "null"),
        ("{\"a\": \"x\\q\"}", .invalidEscape, "invalid escape"),
        ("{\"a\": \"\\u12\"}", .invalidEscape, "four hexadecimal"),
        ("{\"a\": \"\\ud83d\"}", .invalidEscape, "unpaired surrogate"),
        ("{\"a\": \"\\ude00\"}", .invalidEscape, "unpaired surrogate"),
        ("{\"a\": \"line\nbreak\"}", .invalidString, "line break"),
        ("{\"a\": \"tab\there\"}", .invalidString, "tab"),
        ("{a: 1}", .unexpectedCharacter, "quoted"),
        ("{\"a\" 1}", .unexpectedCharacter, "':'"),
        ("{\"a\": 1} {}", .trailingContent, "exactly one value"),
        ("", .emptyInput, "empty"),
        ("   \n ", .emptyInput, "empty"),
        ("{\"a\": [1, 2}", .unexpectedCharacter, "brackets do not match"),
        ("{\"a\": \u{201C}x\u{201D}}", .unexpectedCharacter, "curly quotes"),
        ("[1 2]", .unexpectedCharacter, "',' or ']'"),
        ("{\"a\": }", .unexpectedCharacter, "value missing"),
    ])
    func commonMistakesGetAMessageSayingWhatToWrite(input: String, code: JSONSyntaxError.Code, hint: String) {
        let error = parseError(input)
        #expect(error?.code == code, "\(input.debugDescription) → \(String(describing: error))")
        #expect(error?.message.contains(hint) == true, "\(input.debugDescription) → \(String(describing: error))")
    }

    @Test func unexpectedEndNamesTheUnclosedBracketAndTheLikelyMissingBrace() {
        let text = "{\n  \"env\": {\n    \"A\": \"1\",\n  \"scripts\": {}\n}"
        let error = parseError(text)
        #expect(error?.code == .unexpectedEnd)
        #expect(error?.position == SourcePosition(line: 5, column: 2))
        #expect(error?.message.contains("the object opened at line 1, column 1 is never closed") == true)
        #expect(error?.message.contains("perhaps a '}' is missing before \"scripts\" at line 4, column 3") == true)
    }

    @Test func unterminatedStringNamesWhereItStarts() {
        let error = parseError("{\"a\": \"abc")
        #expect(error?.code == .unexpectedEnd)
        #expect(error?.message.contains("starts at line 1, column 7") == true)
    }

    @Test func columnsCountCharactersNotBytesAndLinesSurviveCRLF() {
        let error = parseError("{\r\n  \"ᴍ😀\": tru\r\n}")
        #expect(error?.position == SourcePosition(line: 2, column: 9))
    }

    @Test func byteOrderMarkIsSkippedAndDoesNotShiftColumns() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\": x}".utf8)
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.position == SourcePosition(line: 1, column: 7))
        }
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)).value == .object(JSONObject()))
    }

    @Test(arguments: [
        [0xFF] as [UInt8], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0x80],
    ])
    func invalidUTF8InAStringIsAnErrorNotACrash(sequence: [UInt8]) {
        let bytes = Array("{\"a\": \"x".utf8) + sequence + Array("y\"}".utf8)
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("expected an error for \(sequence)")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.position == SourcePosition(line: 1, column: 9))
        }
    }

    @Test func invalidUTF8OutsideAStringIsNamedAsAByte() {
        do {
            _ = try JSONParser.parse([0x7B, 0xFF, 0x7D])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("byte 0xFF"))
        }
    }

    @Test func hundredThousandOpenBracketsFailAtTheDepthLimitWithoutOverflowingTheStack() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .tooDeep)
            #expect(error.message.contains("deeper than 512"))
        }
    }

    @Test func nestingExactlyAtTheLimitIsAccepted() throws {
        let depth = JSONParser.defaultMaxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try JSONParser.parse(text)
        let deeper = String(repeating: "{\"a\":", count: depth + 1) + "1" + String(repeating: "}", count: depth + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deeper) }
    }

    @Test func hugeStringsAndNumbersAreReadWhole() throws {
        let big = String(repeating: "é", count: 1_000_000)
        let document = try JSONParser.parse("{\"a\": \"\(big)\", \"n\": \(String(repeating: "9", count: 10_000))}")
        guard case .object(let root) = document.value else {
            Issue.record("expected an object")
            return
        }
        #expect(root["a"] == .string(big))
        #expect(root["n"] == .number(String(repeating: "9", count: 10_000)))
    }

    @Test func escapesDecode() throws {
        let document = try JSONParser.parse(#"["\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00\u0000"]"#)
        #expect(document.value == .array([.string("\"\\/\u{8}\u{C}\n\r\tAé€😀\u{0}")]))
    }

    @Test func pathsPrintBareOrQuoted() {
        let path = JSONPath.root.key("env").key("A B").key("x").index(2).key("test-setup")
        #expect(path.description == #"env["A B"].x[2].test-setup"#)
        #expect(JSONPath.root.description == "(top level)")
    }
}
