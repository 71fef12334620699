import Foundation
import Sandbox

/// How an app's dynos and one-off tasks (release phase, `postdeploy`, `pr-predestroy`) are started: through the
/// one launcher, as the app's own uid, each run with the slug at `/app` read-only under a private writable
/// layer, its own `HOME` and `/tmp`, the data dir hidden.
public struct AppIsolation: Sendable, Equatable {
    public var launcher: SandboxLauncher
    /// The app's uid (sandboxed only).
    public var identity: SandboxIdentity?
    /// Host paths the app's processes never see (the data dir).
    public var hidden: [String]
    /// Each run's writable layer, `HOME` and `/tmp` are made under here (`<data-dir>/apps/<app>/dynos`).
    public var scratchRoot: String

    public init(launcher: SandboxLauncher, identity: SandboxIdentity?, hidden: [String], scratchRoot: String) {
        self.launcher = launcher
        self.identity = identity
        self.hidden = hidden
        self.scratchRoot = scratchRoot
    }

    public static let unsandboxed = AppIsolation(launcher: .unsandboxed, identity: nil, hidden: [], scratchRoot: "")

    /// One run's sandbox, ready to start; `finish` removes its limits once its processes are gone.
    public struct PreparedRun: Sendable {
        public let policy: SandboxPolicy
        public let cell: LimitCell?
        /// The run's writable layer, `HOME` and `/tmp` (nil unsandboxed).
        let scratch: String?

        /// After the run's processes are gone: removes its limits and its scratch (the layer dies with the run).
        public func finish() async {
            await cell?.remove()
            if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
        }
    }

    /// Prepares a run of `name` (a dyno `v3-web.1`, a task `release-v3`) on `slug`: a fresh writable layer (the
    /// dyno filesystem is ephemeral, as on Heroku: a restart starts from the slug again) and its limits.
    public func prepare(name: String, slug: String, network: SandboxNetwork, limits: ResourceLimits?) throws(SandboxError)
        -> PreparedRun {
        guard let setup = launcher.setup, let identity else {
            let policy = SandboxPolicy(identity: SandboxIdentity(uid: 65534), tree: .directory(slug, writable: true))
            return PreparedRun(policy: policy, cell: nil, scratch: nil)
        }
        let scratch = scratchRoot + "/" + name
        try? FileManager.default.removeItem(atPath: scratch)
        let layers = OverlayLayers(lower: slug, upper: scratch + "/upper", work: scratch + "/work",
                                   mountPoint: scratch + "/merged")
        try TreeOwnership.makeDirectories([scratchRoot, scratch, layers.mountPoint], for: nil)
        try TreeOwnership.makeDirectories([layers.upper, layers.work, scratch + "/home", scratch + "/tmp"], for: identity)
        var cell: LimitCell?
        if let limits, setup.limitMechanism != .unavailable {
            // Unique per run: a cell whose removal failed must never pass its out-of-memory count to the next run.
            let app = URL(fileURLWithPath: scratchRoot).deletingLastPathComponent().lastPathComponent
            let tag = "\(getpid())-\(app)-\(name)-\(UUID().uuidString.prefix(8))"
            cell = try LimitCell.make(tag, limits: limits, mechanism: setup.limitMechanism)
        }
        let policy = SandboxPolicy(identity: identity, tree: .overlay(layers), home: scratch + "/home",
                                   temporary: scratch + "/tmp", hidden: hidden, network: network, limits: cell)
        return PreparedRun(policy: policy, cell: cell, scratch: scratch)
    }
}
