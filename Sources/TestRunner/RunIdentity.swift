import Foundation

/// The `HEROKU_TEST_RUN_*` values of a run.
public struct RunIdentity: Sendable, Equatable {
    /// `HEROKU_TEST_RUN_ID`: unique per run.
    public var id: String
    /// `HEROKU_TEST_RUN_BRANCH`.
    public var branch: String
    /// `HEROKU_TEST_RUN_COMMIT_VERSION`: the commit id under test.
    public var commitVersion: String

    public init(id: String = UUID().uuidString.lowercased(), branch: String = "", commitVersion: String = "") {
        self.id = id
        self.branch = branch
        self.commitVersion = commitVersion
    }
}
