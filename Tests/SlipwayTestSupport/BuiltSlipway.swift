import Foundation

/// The `slipway` executable built with the tests: beside the test bundle (SwiftPM puts products and the test
/// bundle in one directory), else the newest `.build*/debug/slipway` of the repository.
public enum BuiltSlipway {
    public static let url: URL? = {
        let fileManager = FileManager.default
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("slipway")
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        let root = repositoryRoot
        let builds = ((try? fileManager.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.hasPrefix(".build") }
        let binaries = builds.map { root.appendingPathComponent($0).appendingPathComponent("debug/slipway") }
            .filter { fileManager.isExecutableFile(atPath: $0.path) }
        func modified(_ url: URL) -> Date {
            ((try? fileManager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return binaries.max { modified($0) < modified($1) }
    }()

    /// The path, or an error that says how to build it.
    public static func path() throws -> String {
        guard let url else {
            throw CocoaError(.fileNoSuchFile, userInfo: [
                NSFilePathErrorKey: "the slipway executable, next to \(CommandLine.arguments[0]) or under .build*/debug (run swift build)",
            ])
        }
        return url.path
    }

    /// The repository's root: this file is `Tests/SlipwayTestSupport/BuiltSlipway.swift`.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}
