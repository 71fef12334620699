// What must hold when the router's framers read untrusted bytes, checked the same way by the libFuzzer
// targets (ci/fuzz request|response|chunked, which compile this file with the router's framing sources)
// and by FuzzRegressionTests (which replays the kept inputs through the normal build).
//
// Each check returns the violations it saw ([] when all holds). The reference rules here are written
// independently of the framers, the plain way (arrays, splitting on CRLF), so that a framer and its
// oracle do not share a mistake.
#if canImport(EdgeRouter)
@testable import EdgeRouter
#endif
import NIOCore

/// A fuzz input for a framer: `[flags][n][n read lengths][stream…]`. The stream reaches the framer in
/// reads of those lengths (0 counts as 1; only the low 3 bits of n count), then the rest in one read.
struct FramingFuzzInput {
    var flags: UInt8 = 0
    var stream: [UInt8] = []
    var reads: [[UInt8]] = []

    init(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        flags = bytes[0]
        let count = Int(bytes[1] & 7)
        let lengths = bytes.dropFirst(2).prefix(count).map { max(1, Int($0)) }
        stream = Array(bytes.dropFirst(2 + lengths.count))
        var offset = 0
        for length in lengths where offset < stream.count {
            let end = min(stream.count, offset + length)
            reads.append(Array(stream[offset..<end]))
            offset = end
        }
        if offset < stream.count { reads.append(Array(stream[offset...])) }
    }
}

/// What a framer reported, with body pieces joined: two runs over the same bytes must agree however the reads split.
struct FramingTrace: Equatable {
    enum Item: Equatable {
        case head([UInt8])
        case body([UInt8])
        case end
        case switched
        case refused
    }

    var items: [Item] = []

    /// The trace with the body bytes relayed just before a refusal left out: a body is relayed as it is read,
    /// so how much of it went before its framing turned out invalid depends on the reads. The connection
    /// closes then, and the bytes sent were a prefix of what the peer sent.
    var refusalSettled: FramingTrace {
        guard items.last == .refused, items.count >= 2, case .body = items[items.count - 2] else { return self }
        var settled = self
        settled.items.remove(at: items.count - 2)
        return settled
    }

    mutating func append(_ item: Item) {
        if case .body(let more) = item {
            guard !more.isEmpty else { return }
            if case .body(let earlier)? = items.last {
                items[items.count - 1] = .body(earlier + more)
                return
            }
        }
        items.append(item)
    }
}

enum RouterFramingOracle {
    // MARK: Requests

    /// A client's byte stream through ``RequestFramer``: split-independent, never accepting a head the
    /// reference rules refuse, bodies exactly as long as declared, and a backend copy framed the same way.
    static func checkRequests(_ input: FramingFuzzInput) -> [String] {
        var violations: [String] = []
        let (split, heads, held) = frameRequests(input.reads)
        let (whole, _, wholeHeld) = frameRequests([input.stream])
        if split.refusalSettled != whole.refusalSettled { violations.append("the reads' split changed what was framed: \(split) vs \(whole)") }
        if held != wholeHeld { violations.append("the reads' split changed the bytes held past an upgrade") }

        var requestIDs = RequestIDGenerator()
        var headIndex = -1
        for (position, item) in split.items.enumerated() {
            guard case .head(let bytes) = item else { continue }
            headIndex += 1
            let head = heads[headIndex]
            if let reason = HTTPReference.refusal(ofRequestHead: bytes) {
                violations.append("accepted a request head the rules refuse (\(reason)): \(printable(bytes))")
                continue
            }
            let expected = HTTPReference.requestFraming(bytes)
            if head.body != expected { violations.append("framed as \(head.body), declared \(expected)") }
            checkBody(after: position, in: split.items, framing: head.body, violations: &violations)

            // What the router tells the backend must frame the body as the router did.
            let upstream = UpstreamRequestWriter.head(
                head,
                forwarding: .init(clientAddress: "192.0.2.1", port: "80", proto: "http"),
                allocator: ByteBufferAllocator(),
                requestIDs: &requestIDs
            )
            let upstreamBytes = Array(upstream.readableBytesView)
            if let reason = HTTPReference.refusal(ofRequestHead: upstreamBytes) {
                violations.append("the backend's copy is malformed (\(reason)): \(printable(upstreamBytes))")
            } else if HTTPReference.requestFraming(upstreamBytes) != head.body {
                violations.append("the backend's copy frames the body otherwise: \(printable(upstreamBytes))")
            }
            // The accessors the router calls on every request.
            if !head.hostEquals(head.host) { violations.append("hostEquals(host) is false") }
            _ = (head.targetHost, head.target, head.keepAlive, head.method)
        }
        return violations
    }

    private static func frameRequests(_ reads: [[UInt8]]) -> (FramingTrace, [RequestHead], [UInt8]) {
        let framer = RequestFramer()
        var trace = FramingTrace()
        var heads: [RequestHead] = []
        for read in reads {
            do {
                try framer.feed(ByteBuffer(bytes: read)) { event in
                    switch event {
                    case .head(let head):
                        heads.append(head)
                        trace.append(.head(Array(head.bytes.readableBytesView)))
                    case .body(let body): trace.append(.body(Array(body.readableBytesView)))
                    case .end: trace.append(.end)
                    }
                }
            } catch {
                trace.append(.refused)
                break
            }
        }
        let held = framer.takeUpgradeBytes().map { Array($0.readableBytesView) } ?? []
        return (trace, heads, held)
    }

    /// The body between the head at `position` and its end matches the framing the head declared.
    private static func checkBody(
        after position: Int,
        in items: [FramingTrace.Item],
        framing: RequestHead.BodyFraming,
        violations: inout [String]
    ) {
        var body: [UInt8] = []
        var ended = false
        for item in items[(position + 1)...] {
            if case .body(let bytes) = item { body = bytes } else { ended = item == .end; break }
        }
        switch framing {
        case .none:
            if !body.isEmpty { violations.append("a request without a body got \(body.count) body bytes") }
        case .length(let length):
            if ended ? body.count != length : body.count > length {
                violations.append("Content-Length \(length) framed \(body.count) bytes (ended: \(ended))")
            }
        case .chunked:
            switch HTTPReference.decodeChunked(body) {
            case .complete(let consumed, _) where ended && consumed == body.count: break
            case .needMore where !ended: break
            case let result: violations.append("chunked body \(printable(body)) (ended: \(ended)) reads as \(result)")
            }
        }
    }

    // MARK: Responses

    /// The expectation a response input's flags byte names.
    static func expectation(_ flags: UInt8) -> ResponseFramer.Expectation {
        ResponseFramer.Expectation(
            isHead: flags & 1 != 0,
            isUpgrade: flags & 2 != 0,
            clientMinorVersion: flags & 4 != 0 ? 0 : 1,
            clientKeepAlive: flags & 8 == 0
        )
    }

    /// A backend's byte stream through ``ResponseFramer``: split-independent, never accepting a head the
    /// rules refuse, and the client's copy of the head framing exactly the body bytes the router relays.
    static func checkResponse(_ input: FramingFuzzInput) -> [String] {
        var violations: [String] = []
        let expectation = expectation(input.flags)
        let split = frameResponse(input.reads, expectation: expectation)
        let whole = frameResponse([input.stream], expectation: expectation)
        if split.refusalSettled != whole.refusalSettled { violations.append("the reads' split changed what was framed: \(split) vs \(whole)") }

        // Walk the backend's heads in the stream alongside the heads the client got.
        var offset = 0
        for (position, item) in split.items.enumerated() {
            guard case .head(let clientHead) = item else { continue }
            guard let headEnd = HTTPReference.headEnd(input.stream, from: offset) else {
                violations.append("a head was reported before the stream had one")
                break
            }
            let backendHead = Array(input.stream[offset..<headEnd])
            offset = headEnd
            if let reason = HTTPReference.refusal(ofResponseHead: backendHead, expectation: expectation) {
                violations.append("accepted a response head the rules refuse (\(reason)): \(printable(backendHead))")
                break
            }
            let framing = HTTPReference.responseFraming(backendHead, expectation: expectation)
            if let problem = HTTPReference.problem(inClientHead: clientHead, relaying: framing, expectation: expectation) {
                violations.append("the client's head \(printable(clientHead)) \(problem)")
            }
            var body: [UInt8] = []
            var next: FramingTrace.Item?
            for later in split.items[(position + 1)...] {
                if case .body(let bytes) = later { body = bytes } else { next = later; break }
            }
            let rest = Array(input.stream[offset...])
            var expected: [UInt8]
            var complete: Bool
            switch framing {
            case .informational:
                continue
            case .none:
                (expected, complete) = ([], true)
            case .length(let length):
                (expected, complete) = (Array(rest.prefix(length)), rest.count >= length)
            case .chunked(let raw):
                switch HTTPReference.decodeChunked(rest) {
                case .complete(let consumed, let data): (expected, complete) = (raw ? Array(rest.prefix(consumed)) : data, true)
                case .needMore(let data): (expected, complete) = (raw ? rest : data, false)
                case .invalid:
                    if !split.items.contains(.refused) { violations.append("an invalid chunked body was not refused") }
                    continue
                }
            case .untilClose, .tunnel:
                (expected, complete) = (rest, true)
            }
            if framing == .tunnel {
                if next != .switched { violations.append("101 did not switch the connection") }
                continue
            }
            let relayed = body == expected || (!complete && expected.starts(with: body))
            if !relayed || (complete && next != .end) {
                violations.append("\(framing) relayed \(printable(body)), then \(String(describing: next)); expected \(printable(expected))")
            }
        }
        return violations
    }

    private static func frameResponse(_ reads: [[UInt8]], expectation: ResponseFramer.Expectation) -> FramingTrace {
        let framer = ResponseFramer()
        framer.expect(expectation)
        var trace = FramingTrace()
        for read in reads {
            do {
                try framer.feed(ByteBuffer(bytes: read), allocator: ByteBufferAllocator()) { event in
                    switch event {
                    case .head(let head): trace.append(.head(Array(head.bytes.readableBytesView)))
                    case .body(let body): trace.append(.body(Array(body.readableBytesView)))
                    case .end: trace.append(.end)
                    case .switched(let leftover):
                        trace.append(.switched)
                        trace.append(.body(Array(leftover.readableBytesView)))
                    }
                }
            } catch {
                trace.append(.refused)
                return trace
            }
        }
        if framer.feedEOF() { trace.append(.end) }
        return trace
    }

    // MARK: Chunked bodies

    /// ``ChunkedBodyScanner`` against the reference decoder: the same verdict (body complete where, more
    /// needed, or invalid), and the same bytes emitted (framing included when raw, chunk data otherwise).
    static func checkChunked(_ input: FramingFuzzInput) -> [String] {
        let raw = input.flags & 1 != 0
        var scanner = ChunkedBodyScanner()
        var emitted: [UInt8] = []
        var consumed = 0
        var finished = false
        var refused = false
        for read in input.reads {
            var buffer = ByteBuffer(bytes: read)
            do {
                finished = try scanner.consume(&buffer, raw: raw) { emitted += Array($0.readableBytesView) }
            } catch {
                refused = true
                break
            }
            consumed += read.count - buffer.readableBytes
            if finished { break }
        }
        let reference = HTTPReference.decodeChunked(input.stream)
        switch reference {
        case .invalid where refused:
            return []
        case .complete(let length, let data) where finished && !refused && consumed == length:
            let expected = raw ? Array(input.stream.prefix(length)) : data
            return emitted == expected ? [] : ["emitted \(printable(emitted)), expected \(printable(expected))"]
        case .needMore(let data) where !finished && !refused:
            let expected = raw ? input.stream : data
            return emitted == expected ? [] : ["emitted \(printable(emitted)), expected \(printable(expected))"]
        default:
            return ["\(printable(input.stream)): the scanner says finished \(finished) at \(consumed), refused \(refused); the reference says \(reference)"]
        }
    }

    /// Bytes as a Swift string literal would show them (CR, LF and the rest escaped).
    static func printable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(600), as: UTF8.self).debugDescription + (bytes.count > 600 ? "…" : "")
    }
}
