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
                guard let headLength = ResponseFramer.headLength(in: buffer) else {
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

    private func endRequest(_ emit: (Event) -> Void) {
        state = upgradePending ? .upgraded : .head
        upgradePending = false
        emit(.end)
    }
}
