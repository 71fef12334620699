import Foundation
import Synchronization

/// Hands out sandbox uids from reserved ranges far above ordinary users (Debian gives people 1000–59999 and
/// system users below 1000) and below the 2^31 ceiling of some tools:
/// - every app gets its own uid from 200000–299999, recorded in a ledger in the state directory, so it is stable
///   across restarts (its overlay layers and scratch stay its own) and never reused by another app;
/// - every test run and every build gets a fresh uid from 300000–399999, handed out in turn (the ledger keeps the
///   position), so two runs, or a run and an app, never share one while either exists.
/// A uid is never 0 and never the service's own (`geteuid()` is skipped should it fall in a range). gid = uid.
public final class IdentityAllocator: Sendable {
    public static let appRange: Range<UInt32> = 200_000..<300_000
    public static let transientRange: Range<UInt32> = 300_000..<400_000
    /// The uid of `SandboxSetup.verify`'s trial process.
    public static let trialUID: UInt32 = 199_999

    private struct Ledger: Codable {
        var apps: [String: UInt32] = [:]
        var nextTransient: UInt32 = IdentityAllocator.transientRange.lowerBound
    }

    private let path: String
    private let ledger: Mutex<Ledger>

    public init(ledger path: String) {
        self.path = path
        let stored = FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(Ledger.self, from: $0) }
        ledger = Mutex(stored ?? Ledger())
    }

    /// The app's own identity (made on first use).
    public func app(_ name: String) -> SandboxIdentity {
        let uid: UInt32 = ledger.withLock { ledger in
            if let known = ledger.apps[name] { return known }
            let used = Set(ledger.apps.values)
            var candidate = Self.appRange.lowerBound + UInt32(ledger.apps.count)
            while used.contains(candidate) || candidate == geteuid() { candidate += 1 }
            ledger.apps[name] = candidate
            save(ledger)
            return candidate
        }
        return SandboxIdentity(uid: uid)
    }

    /// A fresh identity for one test run or one build.
    public func transient() -> SandboxIdentity {
        let uid: UInt32 = ledger.withLock { ledger in
            var candidate = ledger.nextTransient
            if !Self.transientRange.contains(candidate) || candidate == geteuid() { candidate = Self.transientRange.lowerBound }
            var next = candidate + 1
            if next >= Self.transientRange.upperBound { next = Self.transientRange.lowerBound }
            ledger.nextTransient = next
            save(ledger)
            return candidate
        }
        return SandboxIdentity(uid: uid)
    }

    private func save(_ ledger: Ledger) {
        guard let data = try? JSONEncoder().encode(ledger) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
