import Foundation
import SlipwayModel
import Store

/// A build as the API shows it: what it was made from, where it lives on the service's machine and how
/// its build command ended.
public struct BuildResource: Codable, Sendable, Equatable {
    public var id: String
    /// `commit` or `directory`.
    public var sourceType: String
    /// The commit id, or the digest of the directory's contents.
    public var source: String
    public var directory: String
    public var state: String
    /// The last lines the build command printed.
    public var outputTail: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, source, directory, state
        case sourceType = "source_type"
        case outputTail = "output_tail"
        case createdAt = "created_at"
    }

    /// A build with no record yet: running now (`building`) or failed (only its log is left).
    init(running id: String, directory: String, outputTail: String, startedAt: Date?, state: BuildState = .building) {
        self.id = id
        sourceType = "directory"
        source = ""
        self.directory = directory
        self.state = state.rawValue
        self.outputTail = outputTail
        createdAt = startedAt ?? Date()
    }

    init(_ build: Build) {
        id = build.id
        switch build.source {
        case .commit(let commit):
            sourceType = "commit"
            source = commit
        case .directory(let digest):
            sourceType = "directory"
            source = digest
        }
        directory = build.directory
        state = build.state.rawValue
        outputTail = build.outputTail
        createdAt = build.createdAt
    }
}
