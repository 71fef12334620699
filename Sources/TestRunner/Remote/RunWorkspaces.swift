import Foundation
import Sandbox

/// The runs this worker (`slipway worker`) holds slots of, and what their slots share, as the slots of one of the
/// service's own runs do: one sandbox uid per run and, under the sandbox, one copy of the cached tree given to that
/// uid, on which each slot gets an overlay workspace.
///
/// Before, each slot made its own: a uid, a full copy of the tree and its chown. Sixteen slots of a worker leased at
/// once spent seconds copying side by side (`ci/bench/workers`: slots ready 2.3–5.1 s after their lease, local
/// slots 0.4–0.9 s). The cached tree itself is never the lower layer under the sandbox: it is shared by every run
/// and must stay root's, while a run's uid must own the files its overlay copies up.
public actor RunWorkspaces {
    /// `runs/` under the worker's data dir: a directory per run (its tree) and per slot (`<lease>`, its workspace).
    public nonisolated let scratch: URL
    public nonisolated let sandbox: TestSandbox

    private struct Run {
        var factory: Task<Result<WorkspaceFactory, TestRunError>, Never>
        var directory: String
        var holders: Int
    }
    private var runs: [String: Run] = [:]
    /// Makes each run's directory new, so a run whose last slot is just being cleaned up never shares one.
    private var generation = 0

    public init(scratch: URL, sandbox: TestSandbox) {
        self.scratch = scratch
        self.sandbox = sandbox
    }

    /// A workspace factory for `slot`, under its own directory (`<scratch>/<lease>`: a slot's workspace, limit cell
    /// and logs are its own) but with its run's uid, tree and overlay choice, made by the run's first slot here.
    /// Every successful call is paired with `release(run:)`.
    func factory(for slot: LeasedSlot, tree: URL, network: SandboxNetwork) async throws(TestRunError) -> WorkspaceFactory {
        let run: Run
        if var existing = runs[slot.run] {
            existing.holders += 1
            run = existing
        } else {
            generation += 1
            let directory = scratch.appendingPathComponent("\(slot.run)-\(generation)").path
            let sandbox = sandbox
            run = Run(factory: Task { await Self.make(tree: tree, directory: directory, sandbox: sandbox, network: network) },
                      directory: directory, holders: 1)
        }
        runs[slot.run] = run
        switch await run.factory.value {
        case .success(let shared):
            return shared.relocated(to: scratch.appendingPathComponent(slot.lease).path)
        case .failure(let error):
            await release(run: slot.run)
            throw error
        }
    }

    /// One slot of `run` is done here; the last one removes the run's tree.
    func release(run id: String) async {
        guard var run = runs[id] else { return }
        run.holders -= 1
        guard run.holders == 0 else {
            runs[id] = run
            return
        }
        runs[id] = nil
        if case .success(let shared) = await run.factory.value { await shared.cells.removeAll() }
        try? FileManager.default.removeItem(atPath: run.directory)
    }

    private static func make(tree: URL, directory: String, sandbox: TestSandbox,
                             network: SandboxNetwork) async -> Result<WorkspaceFactory, TestRunError> {
        do throws(TestRunError) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw TestRunError(.workspace, "cannot create \(directory): \(error.localizedDescription)")
            }
            var source = tree.path
            var owned = sandbox
            if sandbox.launcher.isSandboxed {
                source = directory + "/source"
                try TreeCopier.copy(from: tree.path, to: source, excluding: WorkspaceFactory.excludedEntries)
                owned.ownsSource = true
            }
            return .success(try await WorkspaceFactory.make(source: source, runDirectory: directory, strategy: .automatic,
                                                            sandbox: owned, network: network))
        } catch {
            return .failure(error)
        }
    }
}
