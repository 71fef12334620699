import Foundation

/// What the builders leave for the slug's processes, like a buildpack's `bin/release` and `.profile.d`: the
/// directories to put first on `PATH` (relative to the app root), variables, and default process types.
/// Stored in the build as `.heroku/slipway-release.json`; read by the release spec and by test runs.
public struct BuildMetadata: Sendable, Codable, Equatable {
    public static let path = ".heroku/slipway-release.json"

    /// The languages built, in order.
    public var languages: [String]
    /// Relative to the app root, first first.
    public var pathEntries: [String]
    public var variables: [String: String]
    /// Used when the Procfile has no process of that type (`web: npm start`).
    public var defaultProcessTypes: [String: String]

    public init(languages: [String] = [], pathEntries: [String] = [], variables: [String: String] = [:],
                defaultProcessTypes: [String: String] = [:]) {
        self.languages = languages
        self.pathEntries = pathEntries
        self.variables = variables
        self.defaultProcessTypes = defaultProcessTypes
    }

    /// The metadata of the build in `directory`; empty for a build no builder touched.
    public static func read(buildDirectory directory: String) -> BuildMetadata {
        guard let data = FileManager.default.contents(atPath: directory + "/" + path),
              let metadata = try? JSONDecoder().decode(BuildMetadata.self, from: data) else { return BuildMetadata() }
        return metadata
    }

    func write(to tree: URL) throws(BuildError) {
        let file = tree.appendingPathComponent(Self.path)
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(self).write(to: file)
        } catch {
            throw BuildError(message: "cannot write \(Self.path): \(error.localizedDescription)", output: "")
        }
    }

    /// The variables a process of the slug gets from its build, under its config vars: the builders'
    /// variables, and `PATH` with the build's directories (at `appRoot`, where the process sees the slug)
    /// before `basePath`.
    public func environment(appRoot: String, basePath: String) -> [String: String] {
        guard !pathEntries.isEmpty || !variables.isEmpty else { return [:] }
        var environment = variables
        environment["PATH"] = (pathEntries.map { appRoot + "/" + $0 } + [basePath]).joined(separator: ":")
        return environment
    }
}
