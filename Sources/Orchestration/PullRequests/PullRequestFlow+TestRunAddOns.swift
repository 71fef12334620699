import AddOns
import Foundation
import Manifest
import SlipwayModel
import TestRunner

/// Heroku CI's in-dyno add-ons: a test run whose app.json (its `environments.test`) declares `heroku-postgresql`
/// or `heroku-redis` gets fresh ones for the run, one set per worker (`CI_NODE_INDEX`), because each worker runs
/// its own `test-setup` (migrations) and its tests may empty tables while another worker's run. They are dropped
/// when the run ends, however it ends; a crash in between is cleaned up by startup recovery (`recoverOrphans`).
extension PullRequestFlow {
    /// Each worker's add-on config vars (`DATABASE_URL`, `REDIS_URL`, …), made now; empty when the test context
    /// declares none or the service runs no add-ons.
    func provisionTestRunAddOns(runID: String, build: Build, workers: Int) async throws(TestRunError) -> [[String: String]] {
        let manifest = ManifestLoader.load(directory: URL(fileURLWithPath: build.directory))
        let declared = manifest.appJSON?.effective(for: .test).addons ?? []
        guard let provisioner = deployer.addons, declared.contains(where: \.isRunBySlipway) else { return [] }
        do {
            return try await provisioner.provisionTestRun(id: runID, workers: workers, addons: declared).map(\.configVars)
        } catch {
            throw TestRunError(.setupFailed, "cannot provision the test run's add-ons: \(error.message)")
        }
    }

    /// Drops the run's add-ons (nothing when it had none), outside any cancelled task.
    func dropTestRunAddOns(runID: String) async {
        guard let provisioner = deployer.addons else { return }
        await Task { _ = try? await provisioner.deprovisionTestRun(id: runID) }.value
    }
}
