import Foundation
import Platform

/// The dependency cache as `GET /builds/cache` shows it: each layer (a venv, a node_modules) by pipeline,
/// most recently used first, and the total against the bound.
public struct BuildCacheResource: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var scope: String
        public var name: String
        public var builder: String
        public var runtime: String
        public var bytes: Int
        public var lastUsed: Date

        enum CodingKeys: String, CodingKey {
            case scope, name, builder, runtime, bytes
            case lastUsed = "last_used"
        }
    }

    public var entries: [Entry]
    public var bytes: Int
    public var limitBytes: Int

    enum CodingKeys: String, CodingKey {
        case entries, bytes
        case limitBytes = "limit_bytes"
    }

    init(_ report: CacheReport) {
        entries = report.entries.map {
            Entry(scope: $0.scope, name: $0.name, builder: $0.builder, runtime: $0.runtime, bytes: $0.bytes, lastUsed: $0.lastUsed)
        }
        bytes = report.bytes
        limitBytes = report.limitBytes
    }
}

/// `DELETE /builds/cache`: how many layers were removed.
public struct BuildCacheClearedResource: Codable, Sendable, Equatable {
    public var removed: Int
}

/// `GET /builds/{id}/output?offset=N`: the build's log from `offset` on, while it runs and after.
public struct BuildOutputResource: Codable, Sendable, Equatable {
    public var id: String
    public var offset: Int
    public var nextOffset: Int
    public var text: String
    public var running: Bool

    enum CodingKeys: String, CodingKey {
        case id, offset, text, running
        case nextOffset = "next_offset"
    }
}
