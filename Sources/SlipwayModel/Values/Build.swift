import Foundation

/// What a build was made from.
public enum BuildSource: Sendable, Codable, Equatable {
    /// A commit of the pipeline's repository, by id.
    case commit(String)
    /// A local directory, by the digest of its contents.
    case directory(digest: String)
}

/// The lifecycle of a build.
public enum BuildState: String, Sendable, Codable, CaseIterable {
    case building, succeeded, failed
}

/// An immutable, content-addressed build (slug). Releases and promotions name it by id and never rebuild it.
public struct Build: Sendable, Codable, Equatable, Identifiable {
    /// The content address (for example a SHA-256 over the source and the build command).
    public var id: String
    public var source: BuildSource
    /// The build directory under the data dir.
    public var directory: String
    public var state: BuildState
    /// The last lines the build command printed.
    public var outputTail: String
    public var createdAt: Date

    public init(
        id: String,
        source: BuildSource,
        directory: String,
        state: BuildState = .building,
        outputTail: String = "",
        createdAt: Date = Date()
    ) {
        self.id = id
        self.source = source
        self.directory = directory
        self.state = state
        self.outputTail = outputTail
        self.createdAt = createdAt
    }
}
