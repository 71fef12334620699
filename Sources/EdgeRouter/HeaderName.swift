/// The header names the router looks at, recognised without allocating (ASCII case-insensitive).
enum HeaderName {
    case connection, hopByHop, upgrade, contentLength, transferEncoding
    case host, forwardedFor, forwardedProto, forwardedPort, requestID
    case other

    static func classify(_ name: String) -> HeaderName {
        var name = name
        return name.withUTF8 { classify(UnsafeRawBufferPointer($0)) }
    }

    static func classify(_ bytes: UnsafeRawBufferPointer) -> HeaderName {
        switch bytes.count {
        case 2: return matches(bytes, "te") ? .hopByHop : .other
        case 4: return matches(bytes, "host") ? .host : .other
        case 7:
            if matches(bytes, "upgrade") { return .upgrade }
            return matches(bytes, "trailer") ? .hopByHop : .other
        case 10:
            if matches(bytes, "connection") { return .connection }
            return matches(bytes, "keep-alive") ? .hopByHop : .other
        case 12: return matches(bytes, "x-request-id") ? .requestID : .other
        case 14: return matches(bytes, "content-length") ? .contentLength : .other
        case 15: return matches(bytes, "x-forwarded-for") ? .forwardedFor : .other
        case 16:
            if matches(bytes, "proxy-connection") { return .hopByHop }
            if matches(bytes, "x-forwarded-port") { return .forwardedPort }
            return .other
        case 17:
            if matches(bytes, "transfer-encoding") { return .transferEncoding }
            return matches(bytes, "x-forwarded-proto") ? .forwardedProto : .other
        default: return .other
        }
    }

    /// `bytes` equals the lowercase ASCII `lowercase`, ignoring ASCII case. Same lengths assumed.
    static func matches(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        guard bytes.count == expected.count else { return false }
        for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] | 0x20 {
            return false
        }
        return true
    }
}
