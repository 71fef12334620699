import Foundation
import Platform
import SlipwayModel

/// The service's clean-up, run at start and then periodically: builds no release uses are deleted (records
/// and directories), and webhook deliveries older than a week are pruned, so neither grows forever.
///
/// Age limits keep it away from work in flight: a build recorded a moment ago may be about to get its
/// release, and a test build (never recorded) may be in use by a running test run, so each must have been
/// left alone for a while first. A reused build is touched (`BuildStore`), so a cached test build in use is
/// never old.
public struct Housekeeping: Sendable {
    public struct Report: Sendable, Equatable {
        /// Build ids whose records or directories were removed.
        public var removedBuilds: [String]
        public var prunedDeliveries: Int
    }

    /// How long webhook deliveries are kept for duplicate detection (GitHub redelivers within hours).
    public static let deliveryRetention: TimeInterval = 7 * 24 * 3600

    let store: any SlipwayStore
    let builds: BuildStore
    /// A recorded build no release uses must be at least this old to be deleted.
    let recordedBuildAge: TimeInterval
    /// A build directory without a record (test builds, leftovers) must be untouched this long.
    let unrecordedBuildAge: TimeInterval

    public init(store: any SlipwayStore, builds: BuildStore, recordedBuildAge: TimeInterval = 3600,
                unrecordedBuildAge: TimeInterval = 24 * 3600) {
        self.store = store
        self.builds = builds
        self.recordedBuildAge = recordedBuildAge
        self.unrecordedBuildAge = unrecordedBuildAge
    }

    public func run(now: Date = Date()) async throws -> Report {
        var removed: Set<String> = []
        for build in try await store.unreferencedBuilds() where now.timeIntervalSince(build.createdAt) >= recordedBuildAge {
            try await store.deleteBuild(id: build.id)
            removed.insert(build.id)
        }
        let recorded = Set(try await store.builds().map(\.id))
        let collected = await builds.collectGarbage(keeping: recorded, untouchedSince: now.addingTimeInterval(-unrecordedBuildAge),
                                                   alwaysRemoving: removed)
        removed.formUnion(collected)
        let pruned = try await store.pruneWebhookDeliveries(receivedBefore: now.addingTimeInterval(-Self.deliveryRetention))
        return Report(removedBuilds: removed.sorted(), prunedDeliveries: pruned)
    }
}
