import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
@testable import TestRunner
import Testing

/// The pipelines page's Workers panel over the real router, store and lease board: a worker registered through
/// the worker API shows with its slots, state, last heartbeat and the run and batch its leased slot serves; a
/// queued run shows as queued; draining and silence show; the worker's token never reaches the page.
@Suite struct DashboardWorkersPanelTests {
    @Test func workersAndQueuedRunsShowWithoutTheirToken() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let board = LeaseBoard(heartbeat: .seconds(1))
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, workers: board)
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(service.adminToken)"]
            // No worker, no queued run: no panel.
            #expect(!(try await client.execute(uri: "/", method: .get, headers: auth).text.contains(#"id="workers""#)))

            // A queued run, with no worker yet.
            let shop = try ResourceName("shop")
            _ = try await service.store.createPipeline(Pipeline(name: shop, repository: "/srv/shop.git"))
            var run = try await service.store.createTestRun(pipeline: shop, prNumber: 7, branch: "feature/q",
                                                            commit: String(repeating: "c", count: 40), workers: 2, split: nil)
            run.state = .queued
            run = try await service.store.updateTestRun(run)
            let waiting = try await client.execute(uri: "/", method: .get, headers: auth).text
            #expect(waiting.contains(#"<section class="panel" id="workers">"#) && waiting.contains("No remote test worker is registered"), "\(waiting)")
            #expect(waiting.contains(#"<li class="queued-run"><a href="/test-runs/\#(run.id)">\#(run.id.prefix(8))</a> <span class="pill idle">queued</span>"#), "\(waiting)")
            let runPage = try await client.execute(uri: "/test-runs/\(run.id)", method: .get, headers: auth).text
            #expect(runPage.contains(#"<span class="pill idle">queued</span>"#), "\(runPage)")

            // A worker registers and leases a slot of a run, which hands it a batch.
            let token = try await TokenScopeTests.token(.worker, client: client, admin: service.adminToken)
            #expect(try await client.api(.put, "/api/v1/workers/runner-1", token: token, json: #"{"slots":3}"#).status == .ok)
            let offer = await board.offer(WorkerRoutesTests.slot)
            let grant = try await client.api(.post, "/api/v1/workers/runner-1/leases?wait=1", token: token).decode(LeaseGrant.self)
            let lease = try #require(grant.slot).lease
            #expect(await board.waitForClaim(offer: offer, timeout: .seconds(1)) == lease)
            let settingUp = try await client.execute(uri: "/", method: .get, headers: auth).text
            #expect(settingUp.contains("slot 1 of run <a href=\"/test-runs/run-1\">run-1</a>: setting up"), "\(settingUp)")
            #expect(try await client.api(.post, "/api/v1/leases/\(lease)/setup", token: token,
                                         json: #"{"succeeded":true,"seconds":0.1}"#).status == .noContent)
            let assigned = Task { await board.assign(lease: lease, batch: LeasedBatch(sequence: 1, item: WorkItem(files: ["tests/a.sh"], attempt: 1, shard: nil))) }
            #expect(try await eventuallyTrue {
                try await client.execute(uri: "/", method: .get, headers: auth).text.contains("batch 1 (1 file)")
            })
            let busy = try await client.execute(uri: "/", method: .get, headers: auth).text
            #expect(busy.contains(#"<tr class="worker"><td><code>runner-1</code></td><td>3</td><td><span class="pill run">busy</span></td><td><time"#), "\(busy)")
            #expect(busy.contains("data-live"), "a page with work in progress refreshes itself")

            // Draining, then silence.
            #expect(try await client.api(.post, "/api/v1/workers/runner-1/drain", token: service.adminToken).status == .ok)
            #expect(try await client.execute(uri: "/", method: .get, headers: auth).text.contains(#"<span class="pill warn">draining</span>"#))
            try await Task.sleep(for: .seconds(2.5))
            let lost = try await client.execute(uri: "/", method: .get, headers: auth).text
            #expect(lost.contains(#"<span class="pill bad">lost</span>"#), "\(lost)")

            // The worker's token is on no page.
            for path in ["/", "/test-runs/\(run.id)", "/pipelines/shop"] {
                let page = try await client.execute(uri: path, method: .get, headers: auth).text
                #expect(!page.contains(token) && !page.contains(String(token.suffix(12))), "\(path) shows the worker token")
            }
            await board.end(lease, .done)
            _ = await assigned.value
        }
    }

    /// Polls `check` every 50 ms for up to 10 s.
    func eventuallyTrue(_ check: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
