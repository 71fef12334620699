import Foundation
@testable import Platform
import Testing

/// The dependency cache on a real filesystem: layers saved and restored by hard links, the baked path
/// rewritten by replacing files (the cached copy keeps its own), least recently used layers evicted.
struct DependencyCacheTests {
    /// A fake venv of `size` bytes whose script's shebang names `path`.
    static func layer(at directory: URL, path: String, size: Int) throws {
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try "#!\(path)/bin/python\nprint('hi')\n".write(to: bin.appendingPathComponent("tool"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("tool").path)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("python").path, withDestinationPath: "/usr/bin/python3")
        try Data(repeating: 7, count: size).write(to: directory.appendingPathComponent("payload"))
    }

    @Test func restoreLinksRelocateReplacesAndTheLeastRecentlyUsedGoesFirst() async throws {
        let root = RuntimeFixture.scratch("dependency-cache")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = DependencyCache(root: root.appendingPathComponent("cache"), limitBytes: 250_000)
        let first = root.appendingPathComponent("one/.heroku/python")
        try Self.layer(at: first, path: first.path, size: 100_000)
        let key = CacheKey(builder: "python-pip", runtime: "3.11.7", digest: "aaa")
        await cache.save(key, scope: "shop", from: first, builtAt: first.path)

        // Restored into another build: the same inodes, the symlink recreated, then the path rewritten.
        let second = root.appendingPathComponent("two/.heroku/python")
        let entry = try #require(await cache.restore(key, scope: "shop", into: second))
        #expect(entry.builtAt == first.path)
        let payload = try FileManager.default.attributesOfItem(atPath: second.appendingPathComponent("payload").path)
        #expect((payload[.referenceCount] as? NSNumber)?.intValue == 3, "the first build, the cache and this one")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: second.appendingPathComponent("bin/python").path) == "/usr/bin/python3")
        try PathRelocation.relocate(files: second.appendingPathComponent("bin"), from: entry.builtAt, to: second.path)
        #expect(try String(contentsOf: second.appendingPathComponent("bin/tool"), encoding: .utf8).hasPrefix("#!\(second.path)/bin/python\n"))
        #expect(FileManager.default.isExecutableFile(atPath: second.appendingPathComponent("bin/tool").path))
        let cached = root.appendingPathComponent("cache/shop/\(key.name)/layer/bin/tool")
        #expect(try String(contentsOf: cached, encoding: .utf8).hasPrefix("#!\(first.path)/bin/python\n"), "the cached file is untouched")

        #expect(await cache.restore(CacheKey(builder: "python-pip", runtime: "3.12.0", digest: "aaa"), scope: "shop",
                                    into: root.appendingPathComponent("three")) == nil, "another runtime is another key")
        #expect(await cache.restore(key, scope: "other-pipeline", into: root.appendingPathComponent("four")) == nil)

        // Two more layers exceed 250 kB: the least recently used one goes.
        try await Task.sleep(for: .seconds(1.1))
        for (index, digest) in ["bbb", "ccc"].enumerated() {
            let source = root.appendingPathComponent("layer-\(digest)")
            try Self.layer(at: source, path: source.path, size: 100_000)
            await cache.save(CacheKey(builder: "node-npm", runtime: "20.20.2", digest: digest), scope: "shop", from: source, builtAt: source.path)
            if index == 0 { try await Task.sleep(for: .seconds(1.1)) }
        }
        let report = await cache.report()
        #expect(report.entries.count == 2 && report.bytes <= 250_000, "\(report)")
        #expect(!report.entries.contains { $0.name == key.name }, "the oldest layer was evicted")
        #expect(await cache.clear() == 2)
        #expect(await cache.report().entries.isEmpty)
    }
}
