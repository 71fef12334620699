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
                throw error("unexpected \(XMLBytes.describe(bytes[position])) in the start tag <\(quoted(name))>", at: position)
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
            throw error("unexpected \(XMLBytes.describe(bytes[position])) in the end tag </\(quoted(name))>", at: position)
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
                guard XMLBytes.isWhitespace(bytes[position]) else {
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
            while position < bytes.count, XMLBytes.isASCIIAlphanumeric(bytes[position]) { position += 1 }
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
            guard let dashes = XMLBytes.firstIndex(of: "--", from: start + 4, in: bytes) else {
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
            guard let end = XMLBytes.firstIndex(of: "]]>", from: start + 9, in: bytes) else {
                throw error("the CDATA section is never closed with ']]>'", at: start)
            }
            position = end + 3
            return XMLBytes.normalizingLineEnds(bytes[start + 9..<end])
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
        guard let end = XMLBytes.firstIndex(of: "?>", from: position, in: bytes) else {
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
                throw error("the control character U+\(XMLBytes.hex(UInt32(byte))) is not allowed in XML", at: index)
            }
            if byte == 0xEF, self.byte(at: index + 1) == 0xBF, self.byte(at: index + 2) & 0xFE == 0xBE {
                throw error("the noncharacter U+FFF\(self.byte(at: index + 2) == 0xBE ? "E" : "F") is not allowed in XML",
                            at: index)
            }
        }
    }

    /// A name at `position` (moving past it), or nil if none starts there.
    private mutating func readName() -> Range<Int>? {
        let start = position
        guard position < bytes.count, XMLBytes.isNameStart(bytes[position]) else { return nil }
        position += 1
        while position < bytes.count, XMLBytes.isNameCharacter(bytes[position]) {
            position += 1
        }
        return start..<position
    }

    /// Moves past whitespace; true if there was some.
    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, XMLBytes.isWhitespace(bytes[position]) { position += 1 }
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

    private func error(_ reason: String, at offset: Int) -> XMLError {
        let (line, column) = XMLBytes.location(of: offset, in: bytes, from: documentStart)
        return XMLError(reason: reason, line: line, column: column)
    }

    private func lineOf(_ offset: Int) -> String {
        "line \(XMLBytes.location(of: offset, in: bytes, from: documentStart).line)"
    }
}
