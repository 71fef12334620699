import NIOCore
import NIOPosix

/// A Redis reply (RESP2).
public enum RESPValue: Sendable, Equatable {
    case simple(String)
    case error(String)
    case integer(Int)
    case bulk([UInt8]?)
    case array([RESPValue]?)

    /// The reply as text: a simple string, a bulk string or an integer.
    public var text: String? {
        switch self {
        case .simple(let text): text
        case .bulk(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let number): String(number)
        default: nil
        }
    }

    public var array: [RESPValue] {
        if case .array(let items?) = self { return items }
        return []
    }
}

/// A failure talking to Redis: the server's error reply (`NOPERM …`, `WRONGPASS …`) or the connection's.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// True when the server answered with an error; false when it could not be reached or hung up.
    public var isReply: Bool
    public var description: String { message }
}

/// A minimal Redis client on SwiftNIO: one connection, one command at a time. Enough for the add-on admin
/// (ACL, SELECT, FLUSHDB) and for tests that act as an app; not a general client.
public final class RedisConnection {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer: [UInt8] = []

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Connects, signs in (`AUTH [user] password` when a password is given), selects `database`, runs `body`,
    /// closes. A refused sign-in or SELECT throws `RedisError` with the server's reply.
    public static func with<Result>(
        host: String, port: Int, user: String? = nil, password: String? = nil, database: Int? = nil,
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw RedisError(message: "cannot reach Redis at \(host):\(port): \(error)", isReply: false)
        }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = RedisConnection(inbound: inbound, outbound: outbound)
            if let password {
                _ = try await connection.run(user.map { ["AUTH", $0, password] } ?? ["AUTH", password])
            }
            if let database, database != 0 { _ = try await connection.run(["SELECT", String(database)]) }
            return try await body(connection)
        }
    }

    /// Sends one command; returns the reply, an error reply included.
    public func send(_ arguments: [String]) async throws -> RESPValue {
        var out = ByteBuffer()
        out.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            out.writeString("$\(argument.utf8.count)\r\n")
            out.writeString(argument)
            out.writeString("\r\n")
        }
        do { try await outbound.write(out) } catch {
            throw RedisError(message: "Redis closed the connection", isReply: false)
        }
        while true {
            var cursor = 0
            if let value = Self.parse(buffer, &cursor) {
                buffer.removeFirst(cursor)
                return value
            }
            guard var chunk = try await inbound.next() else {
                throw RedisError(message: "Redis closed the connection", isReply: false)
            }
            buffer += chunk.readBytes(length: chunk.readableBytes) ?? []
        }
    }

    /// Sends one command; an error reply throws `RedisError` (its message never holds the arguments).
    @discardableResult
    public func run(_ arguments: [String]) async throws -> RESPValue {
        let reply = try await send(arguments)
        if case .error(let message) = reply { throw RedisError(message: message, isReply: true) }
        return reply
    }

    /// One RESP2 value from `bytes` at `cursor`, or nil when it is not all there yet (the cursor is then unusable).
    static func parse(_ bytes: [UInt8], _ cursor: inout Int) -> RESPValue? {
        guard cursor < bytes.count else { return nil }
        let type = bytes[cursor]
        cursor += 1
        guard let line = readLine(bytes, &cursor) else { return nil }
        switch type {
        case UInt8(ascii: "+"): return .simple(line)
        case UInt8(ascii: "-"): return .error(line)
        case UInt8(ascii: ":"): return .integer(Int(line) ?? 0)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= 0 else { return .bulk(nil) }
            guard cursor + length + 2 <= bytes.count else { return nil }
            let value = Array(bytes[cursor..<cursor + length])
            cursor += length + 2
            return .bulk(value)
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= 0 else { return .array(nil) }
            var items: [RESPValue] = []
            for _ in 0..<count {
                guard let item = parse(bytes, &cursor) else { return nil }
                items.append(item)
            }
            return .array(items)
        default:
            return .error("unexpected reply from Redis")
        }
    }

    private static func readLine(_ bytes: [UInt8], _ cursor: inout Int) -> String? {
        var end = cursor
        while end + 1 < bytes.count {
            if bytes[end] == UInt8(ascii: "\r"), bytes[end + 1] == UInt8(ascii: "\n") {
                let line = String(decoding: bytes[cursor..<end], as: UTF8.self)
                cursor = end + 2
                return line
            }
            end += 1
        }
        return nil
    }
}
