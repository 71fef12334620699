import NIOCore

/// Walks `Transfer-Encoding: chunked` framing as bytes arrive, wherever the reads split it: chunk
/// sizes, extensions, data, CRLFs and trailers. Used for response bodies (``ResponseFramer``) and
/// request bodies (``RequestFramer``); the bytes are forwarded, never copied or re-framed.
struct ChunkedBodyScanner {
    private enum State {
        case size(value: Int, digits: Int, inExtension: Bool, sawCR: Bool)
        case data(remaining: Int)
        case dataEnd(sawCR: Bool)
        case trailer(lineLength: Int, sawCR: Bool)
    }

    private var state = State.size(value: 0, digits: 0, inExtension: false, sawCR: false)

    /// Consumes the framing in `buffer` up to the end of the body or of the buffer. `raw`: emit the
    /// bytes walked over, framing included (for an HTTP/1.1 peer); otherwise only chunk data (HTTP/1.0).
    /// Returns true when the last chunk's trailers ended; `buffer` then starts at what follows the body.
    mutating func consume(
        _ buffer: inout ByteBuffer,
        raw: Bool,
        emit: (ByteBuffer) -> Void
    ) throws(ResponseFramer.FramingError) -> Bool {
        typealias FramingError = ResponseFramer.FramingError
        var chunk = state
        let start = buffer.readerIndex
        let end = buffer.writerIndex
        var index = start
        var finished = false
        while index < end && !finished {
            if case .data(let remaining) = chunk {
                let count = min(remaining, end - index)
                if !raw { emit(buffer.getSlice(at: index, length: count)!) }
                index += count
                chunk = count == remaining ? .dataEnd(sawCR: false) : .data(remaining: remaining - count)
                continue
            }
            let byte = buffer.getInteger(at: index, as: UInt8.self)!
            index += 1
            switch chunk {
            case .data:
                break
            case .dataEnd(let sawCR):
                if !sawCR && byte == UInt8(ascii: "\r") {
                    chunk = .dataEnd(sawCR: true)
                } else if sawCR && byte == UInt8(ascii: "\n") {
                    chunk = .size(value: 0, digits: 0, inExtension: false, sawCR: false)
                } else {
                    throw FramingError(description: "a chunk is not followed by CRLF")
                }
            case .size(let value, let digits, let inExtension, let sawCR):
                if byte == UInt8(ascii: "\n") {
                    guard sawCR, digits > 0 else { throw FramingError(description: "malformed chunk size line") }
                    chunk = value == 0 ? .trailer(lineLength: 0, sawCR: false) : .data(remaining: value)
                } else if sawCR {
                    throw FramingError(description: "malformed chunk size line")
                } else if byte == UInt8(ascii: "\r") {
                    chunk = .size(value: value, digits: digits, inExtension: inExtension, sawCR: true)
                } else if inExtension {
                    continue
                } else if let digit = Self.hexValue(byte) {
                    guard digits < 15 else { throw FramingError(description: "chunk size too large") }
                    chunk = .size(value: value * 16 + digit, digits: digits + 1, inExtension: false, sawCR: false)
                } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    chunk = .size(value: value, digits: digits, inExtension: true, sawCR: false)
                } else {
                    throw FramingError(description: "malformed chunk size line")
                }
            case .trailer(let lineLength, let sawCR):
                if byte == UInt8(ascii: "\n") {
                    guard sawCR else { throw FramingError(description: "malformed trailer") }
                    if lineLength == 0 {
                        finished = true
                    } else {
                        chunk = .trailer(lineLength: 0, sawCR: false)
                    }
                } else if sawCR {
                    // A bare CR: "\r\r\n" would end the trailers here and be a trailer line to the backend.
                    throw FramingError(description: "a bare CR in the trailers")
                } else if byte == UInt8(ascii: "\r") {
                    chunk = .trailer(lineLength: lineLength, sawCR: true)
                } else {
                    chunk = .trailer(lineLength: lineLength + 1, sawCR: false)
                }
            }
        }
        if raw && index > start { emit(buffer.getSlice(at: start, length: index - start)!) }
        buffer.moveReaderIndex(to: index)
        state = chunk
        return finished
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
