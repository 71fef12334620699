import NIOCore

/// Splits a client's byte stream into requests: each head parsed once (``RequestHead``), then the
/// body's bytes as they were read (chunked framing included: the backend speaks HTTP/1.1 too, so it
/// is relayed, not decoded and framed again), then the end of the request.
///
/// It takes the place of NIO's `HTTPRequestDecoder` and `ByteToMessageHandler` in the client pipeline:
/// those turn every header into a `String` and every request into two pipeline events, which was the
/// largest cost of the proxy's own after the system calls.
final class RequestFramer {
    enum Event {
        case head(RequestHead)
        case body(ByteBuffer)
        case end
    }

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunked(ChunkedBodyScanner)
        /// After an upgrade request: what follows belongs to the tunnel, if the backend agrees.
        case upgraded
        /// A framing error was reported: nothing more is read as HTTP.
        case failed
    }

    /// Longest request head accepted (NIO's decoder allowed 80 KiB too).
    static let maxHeadSize = 80 * 1024

    private var state = State.head
    private var carry: ByteBuffer?
    private var upgradeHeld: ByteBuffer?
    private var upgradePending = false

    /// Bytes read past an upgrade request, held for the tunnel.
    var heldBytes: Int { upgradeHeld?.readableBytes ?? 0 }

    /// Part of a request head has arrived and the rest has not (what the header timeout watches).
    var hasPartialHead: Bool {
        if case .head = state { return carry != nil }
        return false
    }

    /// Hands over (and forgets) the bytes read past an upgrade request.
    func takeUpgradeBytes() -> ByteBuffer? {
        defer { upgradeHeld = nil }
        return upgradeHeld
    }

    /// Consumes bytes read from the client, reporting the requests they complete.
    func feed(_ incoming: ByteBuffer, emit: (Event) -> Void) throws(ResponseFramer.FramingError) {
        typealias FramingError = ResponseFramer.FramingError
        var buffer: ByteBuffer
        if var carried = carry {
            var incoming = incoming
            carried.writeBuffer(&incoming)
            buffer = carried
            carry = nil
        } else {
            buffer = incoming
        }

        while buffer.readableBytes > 0 {
            switch state {
            case .failed:
                return
            case .upgraded:
                if upgradeHeld == nil {
                    upgradeHeld = buffer
                } else {
                    upgradeHeld!.writeBuffer(&buffer)
                }
                return
            case .head:
                // Empty lines before a request line are ignored (RFC 9112 §2.2), e.g. a CRLF after a body.
                while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                    byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
                {
                    buffer.moveReaderIndex(forwardBy: 1)
                }
                guard buffer.readableBytes > 0 else { return }
                let headLength: Int?
                do {
                    headLength = try Self.headLength(in: buffer)
                } catch {
                    state = .failed
                    throw error
                }
                guard let headLength else {
                    if buffer.readableBytes > Self.maxHeadSize {
                        state = .failed
                        throw FramingError(description: "the request head is larger than 80 KiB")
                    }
                    carry = buffer
                    return
                }
                let head: RequestHead
                do {
                    head = try RequestHead.parse(buffer.readSlice(length: headLength)!)
                } catch {
                    state = .failed
                    throw error
                }
                upgradePending = head.isUpgrade
                switch head.body {
                case .none: state = .head
                case .length(let length): state = .fixed(remaining: length)
                case .chunked: state = .chunked(ChunkedBodyScanner())
                }
                emit(.head(head))
                if case .head = state { endRequest(emit) }
            case .fixed(let remaining):
                let count = min(remaining, buffer.readableBytes)
                emit(.body(buffer.readSlice(length: count)!))
                if count == remaining {
                    endRequest(emit)
                } else {
                    state = .fixed(remaining: remaining - count)
                }
            case .chunked(var scanner):
                let finished: Bool
                do {
                    finished = try scanner.consume(&buffer, raw: true) { emit(.body($0)) }
                } catch {
                    state = .failed
                    throw error
                }
                if finished {
                    endRequest(emit)
                } else {
                    state = .chunked(scanner)
                }
            }
        }
    }

    /// Length of the request head at the start of `buffer` (blank line included), or nil while it is incomplete.
    ///
    /// Lines must end in CRLF. A bare LF is refused rather than accepted as nginx does: the head's bytes are
    /// relayed to the backend as they came, and a backend that splits lines differently from the router is
    /// how requests get smuggled. Refusing it at once also means such a client gets its 400 immediately,
    /// instead of waiting for a CRLF CRLF that never comes.
    static func headLength(in buffer: ByteBuffer) throws(ResponseFramer.FramingError) -> Int? {
        let found = buffer.withUnsafeReadableBytes { bytes -> Int? in
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\n") {
                    guard index > 0, bytes[index - 1] == UInt8(ascii: "\r") else { return -1 }
                    if index >= 3 && bytes[index - 2] == UInt8(ascii: "\n") && bytes[index - 3] == UInt8(ascii: "\r") {
                        return index + 1
                    }
                }
                index += 1
            }
            return nil
        }
        if found == -1 { throw ResponseFramer.FramingError(description: "a line of the request head ends in a bare LF") }
        return found
    }

    private func endRequest(_ emit: (Event) -> Void) {
        state = upgradePending ? .upgraded : .head
        upgradePending = false
        emit(.end)
    }
}
