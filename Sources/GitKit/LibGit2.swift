import CGit2
import Foundation

/// Process-wide libgit2 state: `git_libgit2_init` runs exactly once, before the first repository is opened.
public enum LibGit2 {
    private static let initialized: Bool = {
        git_libgit2_init()
        // Merge results are written straight into the object database; skipping re-validation of every
        // object we create ourselves (trees from an index libgit2 built) saves a hash walk per object.
        _ = slipway_git_set_strict_object_creation(0)
        return true
    }()

    /// Makes sure libgit2 is initialised. Cheap after the first call.
    public static func ensureInitialized() {
        _ = initialized
    }

    /// Turns libgit2's check that a repository is owned by the current user on or off.
    ///
    /// Git refuses repositories owned by someone else (CVE-2022-24765); CI checkouts and mirrors made by
    /// another account trip it. Slipway keeps the check on by default; `SLIPWAY_GIT_OWNER_VALIDATION=0`
    /// or this call turns it off for trusted paths.
    public static func setOwnerValidation(_ enabled: Bool) {
        ensureInitialized()
        _ = slipway_git_set_owner_validation(enabled ? 1 : 0)
    }

    /// libgit2's version, e.g. "1.5.1".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        git_libgit2_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
