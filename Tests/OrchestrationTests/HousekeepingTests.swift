import Foundation
import Orchestration
import Platform
import SlipwayModel
import Store
import Testing

/// Housekeeping on a real SQLite store and real build directories: builds no release uses go (records and
/// directories), the ones a release uses and recent ones stay; webhook deliveries older than a week are pruned.
struct HousekeepingTests {
    @Test func collectsUnusedBuildsAndPrunesOldDeliveries() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-housekeeping-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try SQLiteStore(dataDirectory: data)
        let builds = BuildStore(root: data.appendingPathComponent("builds"))
        let now = Date()
        let dayAgo = now.addingTimeInterval(-24 * 3600)

        func build(_ id: String, createdAt: Date, touched: Date) throws -> Build {
            let directory = builds.root.appendingPathComponent(id)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("slug".utf8).write(to: directory.appendingPathComponent("app.py"))
            try FileManager.default.setAttributes([.modificationDate: touched], ofItemAtPath: directory.path)
            return Build(id: id, source: .commit(String(repeating: "a", count: 40)), directory: directory.path,
                         state: .succeeded, createdAt: createdAt)
        }
        let released = try build("released", createdAt: dayAgo, touched: dayAgo)
        let unused = try build("unused", createdAt: dayAgo, touched: dayAgo)
        let fresh = try build("fresh", createdAt: now, touched: now)
        for made in [released, unused, fresh] { _ = try await store.createBuildIfAbsent(made) }
        _ = try build("old-test-build", createdAt: dayAgo, touched: now.addingTimeInterval(-48 * 3600))
        _ = try build("recent-test-build", createdAt: now, touched: now)

        let app = try ResourceName("shop")
        _ = try await store.createApp(App(name: app))
        _ = try await store.createRelease(app: app, buildID: released.id, description: "Deploy")

        _ = try await store.recordWebhookDelivery(WebhookDelivery(id: "old", event: "push", receivedAt: now.addingTimeInterval(-8 * 24 * 3600)))
        _ = try await store.recordWebhookDelivery(WebhookDelivery(id: "new", event: "push", receivedAt: now.addingTimeInterval(-3600)))

        let report = try await Housekeeping(store: store, builds: builds).run(now: now)

        #expect(report.removedBuilds == ["old-test-build", "unused"])
        #expect(report.prunedDeliveries == 1)
        #expect(Set(try await store.builds().map(\.id)) == ["released", "fresh"])
        let left = try FileManager.default.contentsOfDirectory(atPath: builds.root.path).sorted()
        #expect(left == ["fresh", "recent-test-build", "released"])
        // The pruned delivery id is unknown again; the kept one is still a duplicate.
        #expect(try await store.recordWebhookDelivery(WebhookDelivery(id: "old", event: "push")))
        #expect(try await store.recordWebhookDelivery(WebhookDelivery(id: "new", event: "push")) == false)

        let again = try await Housekeeping(store: store, builds: builds).run(now: now)
        #expect(again.removedBuilds.isEmpty && again.prunedDeliveries == 0, "a second pass finds nothing")
    }
}
