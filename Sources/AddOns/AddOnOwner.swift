import Crypto
import Foundation

/// Whom an add-on resource belongs to: an app, or one worker of a test run. Its `resourceName` names the PostgreSQL
/// database, role and Redis user, so that startup recovery can tell from a name alone whose it is:
///
/// - app `shop-pr-7` → `slipway_addon_shop_pr_7` (a second add-on of the same kind: `…__2`);
/// - test run `42`, worker 3 → `slipway_ci_42_w3`.
///
/// The order of creation (role, then database owned by it) and of removal (database, then role) lets recovery clean
/// up whatever a crash left half made.
public struct AddOnOwner: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case app(String)
        case testRun(id: String, worker: Int)
    }

    public let kind: Kind

    static let appPrefix = "slipway_addon_"
    static let testRunPrefix = "slipway_ci_"
    static let maximumAppName = 40

    /// An app's owner; the name must be a Slipway app name (lowercase letters, digits and single '-').
    public static func app(_ name: String) throws(AddOnError) -> AddOnOwner {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), bytes.count <= maximumAppName,
              bytes.allSatisfy({ isLowercaseAlphanumeric($0) || $0 == UInt8(ascii: "-") }), !name.contains("--"), !name.hasSuffix("-")
        else {
            throw AddOnError(.invalidName, "cannot name add-ons after app \"\(name.prefix(60))\": an app name for add-ons is 1-\(maximumAppName) "
                + "lowercase letters, digits and single '-', starting with a letter")
        }
        return AddOnOwner(kind: .app(name))
    }

    /// One worker's owner in a test run (workers count from 0, as `CI_NODE_INDEX`).
    public static func testRun(_ id: String, worker: Int) throws(AddOnError) -> AddOnOwner {
        guard !id.isEmpty, worker >= 0, worker < 1000 else {
            throw AddOnError(.invalidName, "cannot name add-ons after test run \"\(id.prefix(60))\" worker \(worker)")
        }
        return AddOnOwner(kind: .testRun(id: id, worker: worker))
    }

    /// The base name of this owner's resources (at most 63 bytes, PostgreSQL's limit, with room for `__N`).
    public var resourceName: String {
        switch kind {
        case .app(let name): Self.appPrefix + name.replacingOccurrences(of: "-", with: "_")
        case .testRun(let id, let worker): Self.testRunPrefix + Self.testRunSlug(id) + "_w\(worker)"
        }
    }

    /// The name of this owner's `ordinal`-th resource of one kind (0 is the first).
    func resourceName(ordinal: Int) -> String {
        ordinal == 0 ? resourceName : resourceName + "__\(ordinal + 1)"
    }

    /// The first part of the resource names of every worker of the test run `id`.
    static func testRunStem(_ id: String) -> String { testRunPrefix + testRunSlug(id) + "_w" }

    /// A test run id as lowercase letters and digits, at most 32 characters: the id itself when it is that, else
    /// its first letters and digits with a hash of the whole id (so two ids do not meet). No '_' can appear, so
    /// `<slug>_w` never starts another run's names.
    static func testRunSlug(_ id: String) -> String {
        if id.utf8.count <= 32, id.utf8.allSatisfy(isLowercaseAlphanumeric) { return id }
        let kept = String(id.lowercased().unicodeScalars.filter { $0.isASCII && isLowercaseAlphanumeric(UInt8($0.value)) }.prefix(19))
        let digest = SHA256.hash(data: Data(id.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        return kept + "x" + digest
    }

    /// Whether the resource `name` (a database, role or Redis user) belongs to this owner.
    func owns(_ name: String) -> Bool {
        name == resourceName || name.hasPrefix(resourceName + "__")
    }

    /// Whether `name` is a resource name Slipway's add-ons made (and recovery may drop).
    static func isAddOnResource(_ name: String) -> Bool {
        name.hasPrefix(appPrefix) || name.hasPrefix(testRunPrefix)
    }

    /// Whether the add-on resource `name` belongs to none of `liveApps` and none of the test runs `liveTestRuns`.
    static func isOrphan(_ name: String, liveApps: Set<String>, liveTestRuns: Set<String>) -> Bool {
        if name.hasPrefix(appPrefix) {
            let base = name.components(separatedBy: "__").first ?? name
            let app = String(base.dropFirst(appPrefix.count)).replacingOccurrences(of: "_", with: "-")
            return !liveApps.contains(app)
        }
        if name.hasPrefix(testRunPrefix) {
            return !liveTestRuns.contains { name.hasPrefix(testRunStem($0)) }
        }
        return false
    }

    public var description: String {
        switch kind {
        case .app(let name): "app \(name)"
        case .testRun(let id, let worker): "test run \(id) worker \(worker)"
        }
    }

    private static func isLowercaseAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
