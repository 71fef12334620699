/// A 1-based line and column in a text file. Columns count Unicode scalars, so a line with an emoji or a
/// small-caps letter before the problem still points at the right character; a tab counts as one column.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Turns byte offsets into line and column numbers. Offsets are asked for in increasing order while parsing
/// (duplicate keys, then at most one error), so the locator scans forward from the last answer and the total
/// cost stays linear in the size of the input even with many duplicate keys.
struct SourceLocator {
    private let bytes: [UInt8]
    private var offset: Int
    private var position = SourcePosition(line: 1, column: 1)

    init(bytes: [UInt8], startOffset: Int) {
        self.bytes = bytes
        self.offset = startOffset
    }

    mutating func position(of target: Int) -> SourcePosition {
        if target < offset {
            // An earlier offset (rare: an error that points back at an opening bracket): rescan from the start.
            var fresh = SourceLocator(bytes: bytes, startOffset: Self.contentStart(of: bytes))
            return fresh.position(of: target)
        }
        let end = min(target, bytes.count)
        while offset < end {
            let byte = bytes[offset]
            if byte == 0x0A {
                position.line += 1
                position.column = 1
            } else if byte & 0xC0 != 0x80 {
                position.column += 1
            }
            offset += 1
        }
        return position
    }

    /// Where the text starts: after a UTF-8 byte-order mark, if there is one.
    static func contentStart(of bytes: [UInt8]) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }
}
