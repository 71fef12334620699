import Foundation
import Testing
@testable import Manifest

/// Repeatable randomness for tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TestPaths {
    /// The repository root, found from this file's path (Tests/ManifestTests/Support/TestSupport.swift).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Real app.json files from public projects, kept byte for byte (`fixtures/corpus/app-json`, see its SOURCES.tsv).
    static let corpus: URL = repositoryRoot.appendingPathComponent("fixtures/corpus/app-json")

    static func corpusFiles() throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
        return names.filter { $0.hasSuffix(".json") }.sorted().map { corpus.appendingPathComponent($0) }
    }

    static func corpusBytes(_ prefix: String) throws -> [UInt8] {
        guard let url = try corpusFiles().first(where: { $0.lastPathComponent.hasPrefix(prefix) }) else {
            throw TestSetupError(message: "no corpus file starting with \(prefix) in \(corpus.path)")
        }
        return try [UInt8](Data(contentsOf: url))
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Decodes a JSON literal written in a test.
func decode(_ text: String) -> (appJSON: AppJSON?, diagnostics: [ManifestDiagnostic]) {
    AppJSONDecoder.decode(Array(text.utf8))
}

extension Array where Element == ManifestDiagnostic {
    var errors: [String] { filter { $0.severity == .error }.map(\.description) }
    var warnings: [String] { filter { $0.severity == .warning }.map(\.description) }
}

/// A temporary directory removed when the value goes out of scope… by the test that made it.
func makeTemporaryDirectory(files: [String: String]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, contents) in files {
        try Data(contents.utf8).write(to: directory.appendingPathComponent(name))
    }
    return directory
}
