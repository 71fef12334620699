import Foundation
import GitKit
import TestRunner

/// The `HEROKU_TEST_RUN_*` values for a local run: flags, then the variables if already set (a run nested
/// in another CI), then the app directory's git HEAD read through libgit2, else empty.
enum CIRunIdentity {
    static func resolve(directory: URL, branch: String?, commit: String?,
                        environment: [String: String]) async -> RunIdentity {
        var identity = RunIdentity()
        identity.branch = branch ?? environment["HEROKU_TEST_RUN_BRANCH"] ?? ""
        identity.commitVersion = commit ?? environment["HEROKU_TEST_RUN_COMMIT_VERSION"] ?? ""
        guard identity.branch.isEmpty || identity.commitVersion.isEmpty,
              FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git").path),
              let repository = try? Repository.open(path: directory.path),
              let head = try? await repository.resolve("HEAD") else { return identity }
        if identity.commitVersion.isEmpty { identity.commitVersion = head.hex }
        if identity.branch.isEmpty, let branches = try? await repository.branches() {
            let matching = branches.filter { $0.target == head }.map { String($0.name.dropFirst("refs/heads/".count)) }
            identity.branch = matching.contains("main") ? "main" : (matching.first ?? "")
        }
        return identity
    }
}
