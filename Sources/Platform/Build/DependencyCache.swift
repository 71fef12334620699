import Crypto
import Foundation

/// What a cached dependency layer was made from: the builder (`python-pip`, `node-npm`), the runtime version
/// and a digest of the files that decide the install (lock or requirements file). Equal keys, equal layers.
public struct CacheKey: Sendable, Equatable {
    public var builder: String
    public var runtime: String
    public var digest: String

    public init(builder: String, runtime: String, digest: String) {
        self.builder = builder
        self.runtime = runtime
        self.digest = digest
    }

    /// The digest of `files` (path and bytes; a missing file counts as absent).
    static func digest(of files: [URL], extra: [String] = []) -> String {
        var hasher = SHA256()
        for file in files {
            hasher.update(data: Data("\(file.lastPathComponent)\0".utf8))
            hasher.update(data: FileManager.default.contents(atPath: file.path) ?? Data("<absent>".utf8))
        }
        for line in extra { hasher.update(data: Data("\(line)\0".utf8)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The entry's directory name.
    var name: String {
        let digest = SHA256.hash(data: Data("\(builder)\n\(runtime)\n\(digest)\n".utf8))
        return "\(builder)-" + digest.prefix(10).map { String(format: "%02x", $0) }.joined()
    }
}

/// One cached layer, as `slipway builds` reports it.
public struct CacheEntry: Sendable, Codable, Equatable {
    public var scope: String
    public var name: String
    public var builder: String
    public var runtime: String
    public var bytes: Int
    public var lastUsed: Date
    /// The absolute path the layer was installed at, rewritten on restore (see `PathRelocation`).
    public var builtAt: String
}

/// The cache as a whole: its entries, their total size and the bound.
public struct CacheReport: Sendable, Codable, Equatable {
    public var entries: [CacheEntry]
    public var bytes: Int
    public var limitBytes: Int

    public init(entries: [CacheEntry], bytes: Int, limitBytes: Int) {
        self.entries = entries
        self.bytes = bytes
        self.limitBytes = limitBytes
    }
}

/// Dependency layers per pipeline under `<data-dir>/build-cache/<scope>/<entry>/` (`layer/` plus
/// `entry.json`), bounded in total size: saving a layer evicts the least recently used ones beyond the limit.
/// Restoring hard-links the layer into the build (`LayerLinker`), so a warm build downloads and copies nothing.
public actor DependencyCache {
    public let root: URL
    public let limitBytes: Int

    public init(root: URL, limitBytes: Int = 4 * 1024 * 1024 * 1024) {
        self.root = root
        self.limitBytes = limitBytes
    }

    /// Links the layer of `key` into `destination`; returns its entry, or nil when there is none.
    func restore(_ key: CacheKey, scope: String, into destination: URL) -> CacheEntry? {
        let directory = entryDirectory(key, scope: scope)
        guard var entry = Self.readEntry(directory) else { return nil }
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try LayerLinker.link(from: directory.appendingPathComponent("layer").path, to: destination.path)
        } catch {
            try? FileManager.default.removeItem(at: destination)
            return nil
        }
        entry.lastUsed = Date()
        Self.writeEntry(entry, to: directory)
        return entry
    }

    /// Stores `source` (installed at `builtAt`) as the layer of `key`, then evicts beyond the limit.
    func save(_ key: CacheKey, scope: String, from source: URL, builtAt: String) {
        let directory = entryDirectory(key, scope: scope)
        let manager = FileManager.default
        guard Self.readEntry(directory) == nil else { return }
        let staging = root.appendingPathComponent("tmp-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            let bytes = try LayerLinker.link(from: source.path, to: staging.appendingPathComponent("layer").path)
            Self.writeEntry(CacheEntry(scope: Self.safe(scope), name: key.name, builder: key.builder, runtime: key.runtime,
                                       bytes: bytes, lastUsed: Date(), builtAt: builtAt), to: staging)
            try manager.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.moveItem(at: staging, to: directory)
        } catch {
            try? manager.removeItem(at: staging)
            return
        }
        evict()
    }

    /// Every entry, most recently used first.
    public func report() -> CacheReport {
        let entries = allEntries().sorted { $0.lastUsed > $1.lastUsed }
        return CacheReport(entries: entries, bytes: entries.reduce(0) { $0 + $1.bytes }, limitBytes: limitBytes)
    }

    /// Removes every entry; returns how many there were.
    @discardableResult
    public func clear() -> Int {
        let count = allEntries().count
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
        return count
    }

    private func evict() {
        var entries = allEntries().sorted { $0.lastUsed < $1.lastUsed }
        var total = entries.reduce(0) { $0 + $1.bytes }
        while total > limitBytes, !entries.isEmpty {
            let oldest = entries.removeFirst()
            try? FileManager.default.removeItem(at: root.appendingPathComponent(oldest.scope).appendingPathComponent(oldest.name))
            total -= oldest.bytes
        }
    }

    private func allEntries() -> [CacheEntry] {
        let manager = FileManager.default
        var entries: [CacheEntry] = []
        for scope in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] where !scope.hasPrefix("tmp-") {
            let scopeDirectory = root.appendingPathComponent(scope)
            for name in (try? manager.contentsOfDirectory(atPath: scopeDirectory.path)) ?? [] {
                if let entry = Self.readEntry(scopeDirectory.appendingPathComponent(name)) { entries.append(entry) }
            }
        }
        return entries
    }

    private func entryDirectory(_ key: CacheKey, scope: String) -> URL {
        root.appendingPathComponent(Self.safe(scope)).appendingPathComponent(key.name)
    }

    /// A scope as a directory name: pipeline and app names are already safe; anything else is reduced to them.
    static func safe(_ scope: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let cleaned = String(scope.map { allowed.contains($0) ? $0 : "_" })
        return cleaned.isEmpty || cleaned.hasPrefix(".") || cleaned.hasPrefix("tmp-") ? "_" + cleaned : cleaned
    }

    private static func readEntry(_ directory: URL) -> CacheEntry? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("entry.json").path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(CacheEntry.self, from: data)
    }

    private static func writeEntry(_ entry: CacheEntry, to directory: URL) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try? encoder.encode(entry).write(to: directory.appendingPathComponent("entry.json"), options: .atomic)
    }
}
