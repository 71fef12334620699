import Foundation
import Server
import TestRunner

/// The running worker: one heartbeat loop and one loop per slot, each leasing a run slot, fetching its tree
/// (from the cache when it has it) and running it with `RemoteSlotRunner`, until cancelled (SIGTERM) or refused.
struct RemoteWorker: Sendable {
    enum Ending: Sendable { case stopped, refused(String) }

    let name: String
    let slots: Int
    let api: WorkerAPI
    let dataDirectory: URL
    let sandbox: TestSandbox
    let baseEnvironment: [String: String]

    /// Registers (PUT /workers/{name}); returns the heartbeat interval the service asks for.
    func register() async throws -> Double {
        do {
            let answer = try await api.send(.PUT, "/workers/\(name)", json: ["slots": slots])
            return try api.decode(WorkerResource.self, answer.body).heartbeatSeconds
        } catch .unreachable(let reason) {
            throw CLIFailure(exitCode: .unreachable, message: "cannot reach the Slipway service (\(reason)); is 'slipway serve' running? (--server or SLIPWAY_SERVER)")
        } catch {
            throw CLIFailure(exitCode: .usage, message: "the service refused to register this worker: \(error)")
        }
    }

    func run(heartbeatSeconds: Double) async -> Ending {
        let cache = TreeCache(directory: dataDirectory.appendingPathComponent("trees"))
        let workspaces = RunWorkspaces(scratch: dataDirectory.appendingPathComponent("runs"), sandbox: sandbox)
        return await withTaskGroup(of: Ending?.self) { group in
            group.addTask { await heartbeat(every: heartbeatSeconds) }
            for index in 0..<slots {
                group.addTask { await slotLoop(index, cache: cache, workspaces: workspaces); return nil }
            }
            var ending = Ending.stopped
            for await finished in group {
                // The heartbeat ends only when the token is refused (or on cancellation): stop every slot.
                if let finished {
                    ending = finished
                    group.cancelAll()
                }
            }
            return ending
        }
    }

    private func heartbeat(every seconds: Double) async -> Ending? {
        let interval = Duration.milliseconds(Int64(max(0.05, seconds) * 1000))
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return nil }
            do {
                _ = try await api.send(.PUT, "/workers/\(name)", json: ["slots": slots], timeout: .seconds(10))
            } catch .unauthorized {
                return .refused("the service refused this worker's token (revoked?); stopping")
            } catch {
                say("worker \(name): heartbeat failed: \(error)")
            }
        }
        return nil
    }

    private func slotLoop(_ index: Int, cache: TreeCache, workspaces: RunWorkspaces) async {
        let transport = HTTPLeaseTransport(api: api)
        while !Task.isCancelled {
            let slot: LeasedSlot
            do {
                let answer = try await api.send(.POST, "/workers/\(name)/leases?wait=5", timeout: .seconds(20))
                guard let granted = try api.decode(LeaseGrant.self, answer.body).slot else { continue }
                slot = granted
            } catch .unauthorized {
                return
            } catch .refused(404, _) {
                // The service forgot this worker (it restarted): register again.
                _ = try? await api.send(.PUT, "/workers/\(name)", json: ["slots": slots])
                continue
            } catch {
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            let timeline = LeasedSlotTimeline(run: slot.run, slot: slot.slot)
            say("slot \(index): leased slot \(slot.slot) of test run \(slot.run)")
            let tree: URL
            do {
                let api = api
                let (directory, downloaded) = try await cache.tree(slot.tree) { file in
                    try await api.download("/trees/\(slot.tree)", to: file)
                }
                timeline.treeReady()
                say("slot \(index): tree \(slot.tree) \(downloaded ? "downloaded" : "from the cache")")
                tree = directory
            } catch {
                say("slot \(index): cannot get tree \(slot.tree): \(error)")
                await transport.release(lease: slot.lease)
                continue
            }
            let outcome = await RemoteSlotRunner.run(slot, tree: tree, workspaces: workspaces,
                                                     baseEnvironment: baseEnvironment, transport: transport,
                                                     timeline: timeline, batchStarted: { say("slot \(index): \($0.line)") })
            say("slot \(index): slot \(slot.slot) of test run \(slot.run) \(Self.describe(outcome))")
            // When each step happened, for ci/bench/workers: where a remote run's time goes.
            say("slot \(index): timing \(timeline.json)")
        }
    }

    static func describe(_ outcome: RemoteSlotRunner.Outcome) -> String {
        switch outcome {
        case .finished: "finished"
        case .lost: "ended (lease lost or worker stopping)"
        case .failed(let message): "failed: \(message)"
        }
    }
}
