import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
@testable import TestRunner
import Testing

/// The lease API over the real router and a real SQLite store, with a slot offered on the board as a run offers
/// one: registering, long polls, test-setup, an expired lease's late report (410), drain, the listing's scopes and
/// a revoked worker token.
@Suite struct WorkerRoutesTests {
    static let slot = LeasedSlot(lease: "", run: "run-1", slot: 1, total: 2, tree: "tree-1", setupCommand: "true",
                                 testCommand: "sh bin/run-tests {files}", environment: ["K": "v"], extraEnvironment: [:],
                                 knownFiles: ["tests/a.sh"], estimates: ["tests/a.sh": 1], junitPattern: nil,
                                 sandboxNetwork: "shared", branch: "main", commit: "abc", heartbeatSeconds: 0)

    @Test func aLeaseFromRegistrationToALateReportAfterExpiry() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let board = LeaseBoard(heartbeat: .milliseconds(500))
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, workers: board)
        try await app.test(.router) { client in
            let worker = try await TokenScopeTests.token(.worker, client: client, admin: service.adminToken)
            let read = try await TokenScopeTests.token(.read, client: client, admin: service.adminToken)
            let registered = try await client.api(.put, "/api/v1/workers/runner", token: worker, json: #"{"slots":2}"#)
            #expect(registered.status == .ok, "\(registered.text)")
            let resource = try registered.decode(WorkerResource.self)
            #expect(resource.state == "idle" && resource.slots == 2 && resource.heartbeatSeconds == 0.5)
            #expect(try await client.api(.put, "/api/v1/workers/runner", token: worker, json: #"{"slots":33}"#).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/workers", token: worker).status == .forbidden, "listing is a read")
            #expect(try await client.api(.get, "/api/v1/workers", token: read).decode([WorkerResource].self).map(\.name) == ["runner"])

            // Nothing offered: a long poll answers granted=false; then a run slot is offered and leased.
            let none = try await client.api(.post, "/api/v1/workers/runner/leases?wait=0", token: worker)
            #expect(try none.decode(LeaseGrant.self).granted == false && none.decode(LeaseGrant.self).slot == nil, "\(none.text)")
            #expect(try await client.api(.post, "/api/v1/workers/runner/leases?wait=6", token: worker).status == .unprocessableContent)
            #expect(try await client.api(.post, "/api/v1/workers/nobody/leases", token: worker).status == .notFound)
            let offer = await board.offer(Self.slot)
            let grant = try await client.api(.post, "/api/v1/workers/runner/leases?wait=1", token: worker).decode(LeaseGrant.self)
            let leased = try #require(grant.slot)
            #expect(leased.slot == 1 && leased.environment == ["K": "v"] && leased.lease.hasPrefix("lease-") && leased.heartbeatSeconds == 0.5)
            #expect(await board.waitForClaim(offer: offer, timeout: .seconds(1)) == leased.lease)
            #expect(try await client.api(.post, "/api/v1/leases/\(leased.lease)/setup", token: read,
                                         json: #"{"succeeded":true,"seconds":0.1}"#).status == .forbidden)
            let setup = try await client.api(.post, "/api/v1/leases/\(leased.lease)/setup", token: worker,
                                             json: #"{"succeeded":true,"seconds":0.1}"#)
            #expect(setup.status == .noContent, "\(setup.text)")
            #expect(await board.awaitSetup(lease: leased.lease)?.succeeded == true)
            #expect(try await client.api(.post, "/api/v1/leases/\(leased.lease)/setup", token: worker,
                                         json: #"{"succeeded":true,"seconds":0.1}"#).status == .conflict)
            let waiting = try await client.api(.post, "/api/v1/leases/\(leased.lease)/batches?wait=0", token: worker)
            #expect(try waiting.decode(NextBatch.self) == .wait)
            #expect(try await client.api(.post, "/api/v1/leases/lease-0/batches", token: worker).status == .notFound)
            #expect(try await client.api(.post, "/api/v1/leases/not-a-lease/batches", token: worker).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/trees/tree-1", token: worker).status == .notFound, "no run offers it")

            // The worker falls silent past two heartbeat intervals: its lease ends, and its late report is gone.
            await board.sweep(now: .now + .seconds(2))
            let late = try await client.api(.put, "/api/v1/leases/\(leased.lease)/batches/1", token: worker, json: """
                {"verdicts":[{"file":"tests/a.sh","passed":true,"cases":[]}],"seconds":{"tests/a.sh":0.1},
                 "wall_seconds":0.2,"output_tail":"","interrupted":false}
                """)
            #expect(late.status == .gone && late.error?.id == "lease_gone", "\(late.text)")
            #expect(try await client.api(.delete, "/api/v1/leases/\(leased.lease)", token: worker).status == .gone)

            // Draining: no new leases. Revoking the token: the next call is refused.
            let drained = try await client.api(.post, "/api/v1/workers/runner/drain", token: service.adminToken)
            #expect(try drained.decode(WorkerResource.self).state == "draining")
            #expect(try await client.api(.post, "/api/v1/workers/runner/drain", token: worker).status == .forbidden)
            _ = await board.offer(Self.slot)
            let refusedLease = try await client.api(.post, "/api/v1/workers/runner/leases?wait=0", token: worker)
            #expect(try refusedLease.decode(LeaseGrant.self).granted == false)
            #expect(try await client.api(.delete, "/api/v1/tokens/t-worker", token: service.adminToken).status == .ok)
            #expect(try await client.api(.put, "/api/v1/workers/runner", token: worker, json: #"{"slots":2}"#).status == .unauthorized)
            #expect(try await client.api(.get, "/api/v1/workers", token: read).decode([WorkerResource].self).isEmpty,
                    "a revoked token's worker is forgotten")
        }
        try await service.close()
    }

    /// A batch's report is answered with the slot's next batch (one call per batch instead of a report and a poll),
    /// and with `done` once the run has no more for the slot.
    @Test func aReportIsAnsweredWithTheSlotsNextBatch() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let board = LeaseBoard(heartbeat: .seconds(30))
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, workers: board)
        try await app.test(.router) { client in
            let worker = try await TokenScopeTests.token(.worker, client: client, admin: service.adminToken)
            #expect(try await client.api(.put, "/api/v1/workers/runner", token: worker, json: #"{"slots":1}"#).status == .ok)
            _ = await board.offer(Self.slot)
            let grant = try await client.api(.post, "/api/v1/workers/runner/leases?wait=1", token: worker).decode(LeaseGrant.self)
            let lease = try #require(grant.slot).lease
            #expect(try await client.api(.post, "/api/v1/leases/\(lease)/setup", token: worker,
                                         json: #"{"succeeded":true,"seconds":0.1}"#).status == .noContent)
            // The run's side, as RemoteSlotLoop does it: a batch, after its report another, then no more.
            let run = Task {
                _ = await board.awaitSetup(lease: lease)
                for sequence in 1...2 {
                    let batch = LeasedBatch(sequence: sequence, item: WorkItem(files: ["tests/a.sh"], attempt: 1, shard: nil))
                    _ = await board.assign(lease: lease, batch: batch)
                }
                await board.end(lease, .done)
            }
            let first = try await client.api(.post, "/api/v1/leases/\(lease)/batches?wait=5", token: worker)
            #expect(try first.decode(NextBatch.self).batch?.sequence == 1, "\(first.text)")
            let report = #"{"verdicts":[{"file":"tests/a.sh","passed":true,"cases":[]}],"seconds":{"tests/a.sh":0.1},"wall_seconds":0.2,"output_tail":"","interrupted":false}"#
            #expect(try await client.api(.put, "/api/v1/leases/\(lease)/batches/1?wait=6", token: worker, json: report).status
                    == .unprocessableContent, "wait is checked before the report is taken")
            let second = try await client.api(.put, "/api/v1/leases/\(lease)/batches/1?wait=5", token: worker, json: report)
            #expect(second.status == .ok, "\(second.text)")
            #expect(try second.decode(NextBatch.self).batch?.sequence == 2, "\(second.text)")
            let last = try await client.api(.put, "/api/v1/leases/\(lease)/batches/2?wait=5", token: worker, json: report)
            #expect(try last.decode(NextBatch.self) == .done, "\(last.text)")
            await run.value
        }
        try await service.close()
    }
}
