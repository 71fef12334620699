import Foundation

/// The language runtimes installed on this machine, as the build steps find them on `PATH`. Part of every
/// build id: a new Python or Node makes new builds instead of reusing ones made with the old.
public struct Toolchain: Sendable, Equatable {
    /// `3.11.7`; nil when `python3` is not installed.
    public var python: String?
    /// `20.20.2` (without the `v`); nil when `node` is not installed.
    public var node: String?

    public init(python: String?, node: String?) {
        self.python = python
        self.node = node
    }

    /// One line for the build id.
    var fingerprint: String { "python \(python ?? "-") node \(node ?? "-")" }

    static func probe(shell: BuildShell, environment: [String: String], scratch: URL) async throws(BuildError) -> Toolchain {
        let python = try await BuildSession.capture(
            "python3 -c 'import platform; print(platform.python_version())'", shell: shell, environment: environment,
            directory: scratch, scratch: scratch)
        let node = try await BuildSession.capture("node --version", shell: shell, environment: environment,
                                                  directory: scratch, scratch: scratch)
        return Toolchain(python: python.flatMap { $0.isEmpty ? nil : $0 },
                         node: node.map { $0.hasPrefix("v") ? String($0.dropFirst()) : $0 }.flatMap { $0.isEmpty ? nil : $0 })
    }
}
