/// One thing `XMLReader` reads from a document, in document order.
enum XMLEvent: Equatable, Sendable {
    /// A start tag or an empty-element tag (`<a/>`, whose `.end` follows at once). Attribute values have their
    /// references replaced and their tabs and line ends turned into spaces, as XML says.
    case start(name: String, attributes: [String: String])
    case end(name: String)
    /// Character data inside the root element: text with its references replaced, or a CDATA section's content.
    /// Line ends are `\n`. One run of text may come as several events (text, then a CDATA section, then text).
    case text(String)
}

/// A document that is not well-formed XML: what is wrong and where, as a 1-based line and a column counted in
/// characters.
struct XMLError: Error, Equatable, Sendable, CustomStringConvertible {
    var reason: String
    var line: Int
    var column: Int

    var description: String { "line \(line), column \(column): \(reason)" }
}
