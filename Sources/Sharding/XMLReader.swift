/// A small, strict pull reader for the XML that test reports are written in: one `next()` call per start tag,
/// end tag or run of text, over the document's bytes.
///
/// It reads what JUnit writers emit: an optional byte order mark and XML declaration, comments, processing
/// instructions and a DOCTYPE (all skipped), elements with attributes in either quote, empty-element tags, the
/// five predefined entities and character references, CDATA sections. Anything else that is not well-formed XML
/// 1.0 is an `XMLError` naming the line and column. Its work is linear in the input: every byte is looked at a
/// bounded number of times, nothing recurses, and elements nest at most `maximumDepth` deep.
///
/// Not read: namespaces (a prefixed name is just a name), the declaration's encoding (a document is read as
/// UTF-8), DTDs. Bytes that are not valid UTF-8 become U+FFFD: a report is written by the code under test, and
/// one stray byte in a test's name should not cost the whole report.
struct XMLReader {
    static let maximumDepth = 256

    private let bytes: [UInt8]
    /// Where the document starts: after the byte order mark, if there is one.
    private let documentStart: Int
    private var position: Int
    /// The elements open around `position`, innermost last: the name's bytes and where the start tag began.
    private var openElements: [(name: Range<Int>, tag: Int)] = []
    /// An empty-element tag was just read: its end is the next event.
    private var endsAtOnce = false
    private var sawRoot = false
    private var sawDoctype = false
    private var checkedCharacters = false
    /// Text and attribute values are built here, reused from one to the next.
    private var scratch: [UInt8] = []

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        documentStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        position = documentStart
    }

    /// The next event, or nil once the whole document has been read and was well-formed.
    mutating func next() throws(XMLError) -> XMLEvent? {
        if !checkedCharacters {
            checkedCharacters = true
            try checkCharacters()
        }
        if endsAtOnce {
            endsAtOnce = false
            return .end(name: string(openElements.removeLast().name))
        }
        while position < bytes.count {
            guard bytes[position] == .lessThan else {
                if let text = try readText() { return .text(text) }
                continue
            }
            switch byte(at: position + 1) {
            case .questionMark:
                try skipProcessingInstruction()
            case .exclamationMark:
                if let text = try readDeclarationOrComment(), !text.isEmpty { return .text(text) }
            case .slash:
                return try readEndTag()
            default:
                return try readStartTag()
            }
        }
        if let innermost = openElements.last {
            throw error("the document ends before <\(quoted(innermost.name))> (\(lineOf(innermost.tag))) is closed",
                        at: bytes.count)
        }
        guard sawRoot else { throw error("the document has no root element", at: bytes.count) }
        return nil
    }

    // MARK: Elements

    private mutating func readStartTag() throws(XMLError) -> XMLEvent {
        let tag = position
        position += 1
        guard let name = readName() else {
            throw error("'<' must start a tag, a comment or a declaration (a literal < is written &lt;)", at: tag)
        }
        if openElements.isEmpty && sawRoot {
            throw error("junk after the root element: a second element <\(quoted(name))>", at: tag)
        }
        guard openElements.count < Self.maximumDepth else {
            throw error("elements are nested more than \(Self.maximumDepth) deep", at: tag)
        }
        var attributes: [String: String] = [:]
        while true {
            let spaced = skipWhitespace()
            guard position < bytes.count else {
                throw error("the start tag <\(quoted(name))> is never closed with '>'", at: tag)
            }
            if bytes[position] == .greaterThan {
                position += 1
                break
            }
            if bytes[position] == .slash {
                guard byte(at: position + 1) == .greaterThan else {
                    throw error("'/' in the start tag <\(quoted(name))> must be followed by '>'", at: position)
                }
                position += 2
                endsAtOnce = true
                break
            }
            let attributeStart = position
            guard spaced, let attribute = readName() else {
                throw error("unexpected \(describe(bytes[position])) in the start tag <\(quoted(name))>", at: position)
            }
            skipWhitespace()
            guard byte(at: position) == .equals else {
                throw error("attribute \(quoted(attribute)) of <\(quoted(name))> has no '=' and value", at: position)
            }
            position += 1
            skipWhitespace()
            let value = try readAttributeValue(attribute, of: name)
            guard attributes.updateValue(value, forKey: string(attribute)) == nil else {
                throw error("attribute \(quoted(attribute)) appears twice in <\(quoted(name))>", at: attributeStart)
            }
        }
        openElements.append((name, tag))
        sawRoot = true
        return .start(name: string(name), attributes: attributes)
    }

    private mutating func readEndTag() throws(XMLError) -> XMLEvent {
        let tag = position
        position += 2
        guard let name = readName() else { throw error("'</' must be followed by an element name", at: tag) }
        skipWhitespace()
        guard byte(at: position) == .greaterThan else {
            if position >= bytes.count { throw error("the end tag </\(quoted(name))> is never closed with '>'", at: tag) }
            throw error("unexpected \(describe(bytes[position])) in the end tag </\(quoted(name))>", at: position)
        }
        position += 1
        guard let open = openElements.last else {
            throw error("the end tag </\(quoted(name))> has no start tag", at: tag)
        }
        guard bytes[open.name].elementsEqual(bytes[name]) else {
            throw error("the end tag </\(quoted(name))> does not match <\(quoted(open.name))> (\(lineOf(open.tag)))", at: tag)
        }
        openElements.removeLast()
        return .end(name: string(name))
    }

    /// A quoted attribute value, references replaced, each tab, line end or CR LF pair turned into one space.
    private mutating func readAttributeValue(_ attribute: Range<Int>, of element: Range<Int>) throws(XMLError) -> String {
        let quote = byte(at: position)
        guard quote == .doubleQuote || quote == .singleQuote else {
            throw error("the value of attribute \(quoted(attribute)) of <\(quoted(element))> must be in quotes", at: position)
        }
        let start = position
        position += 1
        scratch.removeAll(keepingCapacity: true)
        while true {
            let run = position
            while position < bytes.count, !Self.endsAttributeRun(bytes[position]) { position += 1 }
            scratch.append(contentsOf: bytes[run..<position])
            guard position < bytes.count else {
                throw error("the value of attribute \(quoted(attribute)) is never closed with its quote", at: start)
            }
            switch bytes[position] {
            case quote:
                position += 1
                return String(decoding: scratch, as: UTF8.self)
            case .lessThan:
                throw error("'<' in the value of attribute \(quoted(attribute)) (it is written &lt;)", at: position)
            case .ampersand:
                try appendReference()
            case .carriageReturn:
                scratch.append(.space)
                position += byte(at: position + 1) == .newline ? 2 : 1
            case .tab, .newline:
                scratch.append(.space)
                position += 1
            default:
                scratch.append(bytes[position])
                position += 1
            }
        }
    }

    private static func endsAttributeRun(_ byte: UInt8) -> Bool {
        switch byte {
        case .doubleQuote, .singleQuote, .lessThan, .ampersand, .carriageReturn, .tab, .newline: true
        default: false
        }
    }

    // MARK: Text

    /// Character data up to the next `<`: an event inside the root element; outside it, only whitespace may
    /// stand, and there is no event (nil).
    private mutating func readText() throws(XMLError) -> String? {
        guard !openElements.isEmpty else {
            while position < bytes.count, bytes[position] != .lessThan {
                guard Self.isWhitespace(bytes[position]) else {
                    let place = sawRoot ? "junk after the root element" : "text before the root element"
                    throw error("\(place) (only whitespace, comments and processing instructions may stand there)",
                                at: position)
                }
                position += 1
            }
            return nil
        }
        let start = position
        scratch.removeAll(keepingCapacity: true)
        while true {
            let run = position
            while position < bytes.count, !Self.endsTextRun(bytes[position]) { position += 1 }
            scratch.append(contentsOf: bytes[run..<position])
            guard position < bytes.count else { break }
            switch bytes[position] {
            case .lessThan:
                return String(decoding: scratch, as: UTF8.self)
            case .ampersand:
                try appendReference()
            case .carriageReturn:
                scratch.append(.newline)
                position += byte(at: position + 1) == .newline ? 2 : 1
            default: // '>': only ']]>' is wrong, and only when written out, not as references.
                if position - start >= 2, bytes[position - 1] == .closingBracket, bytes[position - 2] == .closingBracket {
                    throw error("']]>' outside a CDATA section (write ]]&gt;)", at: position - 2)
                }
                scratch.append(.greaterThan)
                position += 1
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    private static func endsTextRun(_ byte: UInt8) -> Bool {
        byte == .lessThan || byte == .ampersand || byte == .carriageReturn || byte == .greaterThan
    }

    /// `&name;`, `&#digits;` or `&#xhex;` at `position`: appends what it stands for to `scratch` and moves past it.
    private mutating func appendReference() throws(XMLError) {
        let start = position
        position += 1
        if byte(at: position) == .hash {
            position += 1
            let hexadecimal = byte(at: position) == UInt8(ascii: "x")
            if hexadecimal { position += 1 }
            let digits = position
            while position < bytes.count, Self.isASCIIAlphanumeric(bytes[position]) { position += 1 }
            guard byte(at: position) == .semicolon else {
                throw error("the character reference \(quoted(start..<position)) must end with ';'", at: start)
            }
            guard let scalar = XMLEntities.characterReference(bytes[digits..<position], hexadecimal: hexadecimal) else {
                throw error("\(quoted(start..<position + 1)) is not a character XML allows", at: start)
            }
            position += 1
            XMLEntities.appendUTF8(scalar, to: &scratch)
            return
        }
        guard let name = readName(), byte(at: position) == .semicolon else {
            throw error("'&' must start a reference such as &amp; (a literal & is written &amp;)", at: start)
        }
        guard let character = XMLEntities.predefined(bytes[name]) else {
            throw error("unknown entity &\(quoted(name)); (only &lt; &gt; &amp; &apos; &quot; are read)", at: start)
        }
        position += 1
        scratch.append(character)
    }

    // MARK: Comments, CDATA, DOCTYPE, processing instructions

    /// `<!--…-->`, `<![CDATA[…]]>` (its text returned) or `<!DOCTYPE…>` at `position`.
    private mutating func readDeclarationOrComment() throws(XMLError) -> String? {
        let start = position
        if hasPrefix("<!--") {
            guard let dashes = firstIndex(of: "--", from: start + 4) else {
                throw error("the comment is never closed with '-->'", at: start)
            }
            guard byte(at: dashes + 2) == .greaterThan else {
                throw error("'--' inside a comment (a comment ends at the first '--', which must be followed by '>')",
                            at: dashes)
            }
            position = dashes + 3
            return nil
        }
        if hasPrefix("<![CDATA[") {
            guard !openElements.isEmpty else { throw error("a CDATA section outside the root element", at: start) }
            guard let end = firstIndex(of: "]]>", from: start + 9) else {
                throw error("the CDATA section is never closed with ']]>'", at: start)
            }
            position = end + 3
            return normalizingLineEnds(start + 9..<end)
        }
        if hasPrefix("<!DOCTYPE") {
            guard !sawRoot, !sawDoctype else {
                throw error("a DOCTYPE is only allowed once, before the root element", at: start)
            }
            sawDoctype = true
            try skipDoctype()
            return nil
        }
        throw error("'<!' must start a comment (<!--), a CDATA section (<![CDATA[) or a DOCTYPE", at: start)
    }

    /// Skips `<!DOCTYPE name SYSTEM "uri">`. An internal subset (`[ … ]`) is refused, not skipped: it is where
    /// entities are declared, and skipping it would leave references to them undefined anyway. Refusing it
    /// keeps the reader from ever expanding a user-defined entity (no "billion laughs"), and no JUnit writer
    /// emits one.
    private mutating func skipDoctype() throws(XMLError) {
        let start = position
        position += 9
        while position < bytes.count {
            switch bytes[position] {
            case .greaterThan:
                position += 1
                return
            case .openingBracket:
                throw error("a DOCTYPE with an internal subset ([…]) is not read: it could declare entities, and only the predefined ones are expanded",
                            at: position)
            case .doubleQuote, .singleQuote:
                let literal = position
                guard let end = bytes[(position + 1)...].firstIndex(of: bytes[position]) else {
                    throw error("a quoted literal in the DOCTYPE is never closed", at: literal)
                }
                position = end + 1
            default:
                position += 1
            }
        }
        throw error("the DOCTYPE is never closed with '>'", at: start)
    }

    /// Skips `<?target data?>`. The XML declaration (`<?xml version=…?>`) is one too, allowed only at the very start.
    private mutating func skipProcessingInstruction() throws(XMLError) {
        let start = position
        position += 2
        guard let target = readName() else {
            throw error("'<?' must be followed by a processing instruction's name", at: start)
        }
        let isDeclaration = bytes[target].count == 3 && String(decoding: bytes[target], as: UTF8.self).lowercased() == "xml"
        if isDeclaration && start != documentStart {
            throw error("the XML declaration <?xml …?> is only allowed at the very start of the document", at: start)
        }
        guard let end = firstIndex(of: "?>", from: position) else {
            throw error("<?\(quoted(target)) is never closed with '?>'", at: start)
        }
        let spaced = skipWhitespace()
        if position < end && !spaced {
            throw error("the name <?\(quoted(target)) must be followed by a space or '?>'", at: position)
        }
        if isDeclaration && !hasPrefix("version") {
            throw error("the XML declaration must start with its version (<?xml version=\"1.0\"?>)", at: position)
        }
        position = end + 2
    }

    // MARK: Characters and names

    /// Refuses the characters XML does not allow anywhere, written out or not: control characters other than
    /// tab, line feed and carriage return, and U+FFFE and U+FFFF.
    private func checkCharacters() throws(XMLError) {
        for index in bytes.indices {
            let byte = bytes[index]
            if byte < 0x20 && byte != .tab && byte != .newline && byte != .carriageReturn {
                throw error("the control character U+\(hex(UInt32(byte))) is not allowed in XML", at: index)
            }
            if byte == 0xEF, self.byte(at: index + 1) == 0xBF, self.byte(at: index + 2) & 0xFE == 0xBE {
                throw error("the noncharacter U+FFF\(self.byte(at: index + 2) == 0xBE ? "E" : "F") is not allowed in XML",
                            at: index)
            }
        }
    }

    /// A name at `position` (moving past it), or nil if none starts there. Non-ASCII bytes are taken as name
    /// characters without checking XML's tables of letters: the only cost is accepting a few odd names.
    private mutating func readName() -> Range<Int>? {
        let start = position
        guard position < bytes.count, Self.isNameStart(bytes[position]) else { return nil }
        position += 1
        while position < bytes.count, Self.isNameStart(bytes[position]) || Self.isNameContinuation(bytes[position]) {
            position += 1
        }
        return start..<position
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isNameContinuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == .space || byte == .tab || byte == .newline || byte == .carriageReturn
    }

    /// Moves past whitespace; true if there was some.
    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
        return position > start
    }

    // MARK: Bytes

    /// The byte at `index`, or 0 past the end (NUL is refused in a document, so it never stands for a real byte).
    private func byte(at index: Int) -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }

    private func hasPrefix(_ prefix: String) -> Bool {
        bytes[position...].starts(with: prefix.utf8)
    }

    /// Where `pattern` (a few bytes) next starts at or after `start`.
    private func firstIndex(of pattern: String, from start: Int) -> Int? {
        let pattern = Array(pattern.utf8)
        var index = start
        while index + pattern.count <= bytes.count {
            guard let first = bytes[index...].firstIndex(of: pattern[0]) else { return nil }
            if bytes[first...].starts(with: pattern) { return first }
            index = first + 1
        }
        return nil
    }

    private func normalizingLineEnds(_ range: Range<Int>) -> String {
        guard bytes[range].contains(.carriageReturn) else { return string(range) }
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == .carriageReturn {
                output.append(.newline)
                if index + 1 < range.upperBound, bytes[index + 1] == .newline { index += 1 }
            } else {
                output.append(bytes[index])
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    // MARK: Errors

    /// Some of the document for an error message, cut short if long.
    private func quoted(_ range: Range<Int>) -> String {
        let limit = 40
        let end = min(range.upperBound, bytes.count)
        guard end - range.lowerBound > limit else { return string(range.lowerBound..<end) }
        return String(decoding: bytes[range.lowerBound..<range.lowerBound + limit], as: UTF8.self) + "…"
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(UInt32(byte)))"
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func error(_ reason: String, at offset: Int) -> XMLError {
        let (line, column) = location(of: offset)
        return XMLError(reason: reason, line: line, column: column)
    }

    private func lineOf(_ offset: Int) -> String {
        "line \(location(of: offset).line)"
    }

    /// The line (a line ends at LF, CR LF or CR) and the column, in characters, of a byte offset. Only errors
    /// ask, once each, so nothing is counted while reading.
    private func location(of offset: Int) -> (line: Int, column: Int) {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = documentStart
        var index = documentStart
        while index < end {
            let byte = bytes[index]
            if byte == .newline || byte == .carriageReturn {
                if byte == .carriageReturn, index + 1 < end, bytes[index + 1] == .newline { index += 1 }
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        let characters = bytes[min(lineStart, end)..<end].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return (line, characters + 1)
    }
}

private extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let ampersand = UInt8(ascii: "&")
    static let semicolon = UInt8(ascii: ";")
    static let hash = UInt8(ascii: "#")
    static let slash = UInt8(ascii: "/")
    static let equals = UInt8(ascii: "=")
    static let questionMark = UInt8(ascii: "?")
    static let exclamationMark = UInt8(ascii: "!")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let openingBracket = UInt8(ascii: "[")
    static let closingBracket = UInt8(ascii: "]")
}
