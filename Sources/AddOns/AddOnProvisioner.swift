import Foundation
import Manifest

/// What provisioning an app's (or a test worker's) add-ons gives.
public struct ProvisionedAddOns: Sendable, Equatable, CustomStringConvertible {
    public var attachments: [AddOnAttachment]
    /// One line per declared add-on Slipway does not run (show in the deploy log and on the dashboard).
    public var warnings: [String]

    /// Every attachment's config vars: merge them with provenance `addon` (`ConfigResolutionInput.addonVars`).
    public var configVars: [String: String] {
        attachments.reduce(into: [:]) { vars, attachment in vars.merge(attachment.configVars) { first, _ in first } }
    }

    /// The passwords inside `configVars`, for the log masker.
    public var secretValues: [String] { attachments.flatMap(\.secretValues) }

    /// Each attachment with its password masked, then the warnings.
    public var description: String {
        (attachments.map(\.description) + warnings.map { "warning: \($0)" }).joined(separator: "\n")
    }
}

/// The add-on service: each app that declares `heroku-postgresql` or `heroku-redis` gets a database of its own on
/// the add-on servers (`AddOnConfiguration`), and each test-run worker a fresh one. Every call is idempotent and
/// serialized; a name tells whose a resource is (`AddOnOwner`), so `recoverOrphans` can clean up after a crash.
///
/// Lifecycle for the orchestration: `start()` with `serve`, `recoverOrphans` at startup recovery, `provision`
/// before an app's release phase, `deprovision` when it is destroyed, `provisionTestRun` / `deprovisionTestRun`
/// around a test run, `stop()` at shutdown.
public actor AddOnProvisioner {
    let servers: AddOnServers
    private var busy = false

    public init(_ configuration: AddOnConfiguration) throws(AddOnError) {
        do {
            try FileManager.default.createDirectory(at: configuration.directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: configuration.directory.path)
        } catch {
            throw AddOnError(.serverSetup, "cannot make the add-ons directory \(configuration.directory.path): \(error.localizedDescription)")
        }
        servers = try AddOnServers(configuration: configuration, key: try CredentialKey.load(in: configuration.directory))
    }

    /// Starts the managed servers that exist already (the apps' URLs point at them); new ones start on first use.
    public func start() async throws(AddOnError) {
        _ = try await servers.postgres(start: false)
        _ = try await servers.redis(start: false)
    }

    /// Stops the managed servers (external ones are left alone).
    public func stop() async {
        await servers.stop()
    }

    /// Makes (or finds) the app's add-ons; unknown ones become warnings. Call before the release phase of every
    /// deploy: the first makes the databases, later ones return the same URLs.
    public func provision(app: String, addons: [Addon]) async throws(AddOnError) -> ProvisionedAddOns {
        let owner = try AddOnOwner.app(app)
        return try await exclusively { () throws(AddOnError) in try await self.make(owner, AddOnPlan(addons)) }
    }

    /// Drops every add-on of the app, data included; returns what was dropped (`heroku-postgresql slipway_addon_x`).
    @discardableResult
    public func deprovision(app: String) async throws(AddOnError) -> [String] {
        let owner = try AddOnOwner.app(app)
        return try await exclusively { () throws(AddOnError) in try await self.drop(owner) }
    }

    /// The app's add-ons as the servers have them.
    public func list(app: String) async throws(AddOnError) -> [AddOnStatus] {
        let owner = try AddOnOwner.app(app)
        var statuses = try await servers.postgres(start: false)?.list(owner) ?? []
        statuses += try await servers.redis(start: false)?.list(owner) ?? []
        return statuses
    }

    /// Fresh add-ons for each worker of a test run (index = `CI_NODE_INDEX`): one database per worker, as each
    /// worker runs its own `test-setup` (migrations) and its tests may empty tables while another worker's run.
    public func provisionTestRun(id: String, workers: Int, addons: [Addon]) async throws(AddOnError) -> [ProvisionedAddOns] {
        let owners = try (0..<max(workers, 1)).map { (worker) throws(AddOnError) in try AddOnOwner.testRun(id, worker: worker) }
        let plan = AddOnPlan(addons)
        return try await exclusively { () throws(AddOnError) in
            var result: [ProvisionedAddOns] = []
            for owner in owners {
                // Fresh: whatever an earlier attempt of this run left is dropped first.
                _ = try await self.drop(owner)
                result.append(try await self.make(owner, plan))
            }
            return result
        }
    }

    /// Drops the add-ons of every worker of the test run.
    @discardableResult
    public func deprovisionTestRun(id: String) async throws(AddOnError) -> [String] {
        try await exclusively { () throws(AddOnError) in
            let stem = AddOnOwner.testRunStem(id)
            let postgres = try await self.servers.postgres(start: false)?.drop { $0.hasPrefix(stem) } ?? []
            let redis = try await self.servers.redis(start: false)?.drop { $0.hasPrefix(stem) } ?? []
            return Self.named(postgres: postgres, redis: redis)
        }
    }

    /// Drops every add-on resource whose app is not in `liveApps` and whose test run is not in `liveTestRuns`
    /// (at startup every test run is over: pass none). Returns the dropped names.
    @discardableResult
    public func recoverOrphans(liveApps: Set<String>, liveTestRuns: Set<String> = []) async throws(AddOnError) -> [String] {
        try await exclusively { () throws(AddOnError) in
            let postgres = try await self.servers.postgres(start: false)?.recoverOrphans(liveApps: liveApps, liveTestRuns: liveTestRuns) ?? []
            let redis = try await self.servers.redis(start: false)?.recoverOrphans(liveApps: liveApps, liveTestRuns: liveTestRuns) ?? []
            return Self.named(postgres: postgres, redis: redis)
        }
    }

    private func make(_ owner: AddOnOwner, _ plan: AddOnPlan) async throws(AddOnError) -> ProvisionedAddOns {
        var attachments: [AddOnAttachment] = []
        var ordinals: [AddOnKind: Int] = [:]
        var colors: Set<String> = []
        for addon in plan.supported {
            guard let kind = AddOnKind(addon) else { continue }
            let ordinal = ordinals[kind, default: 0]
            ordinals[kind] = ordinal + 1
            let resource = owner.resourceName(ordinal: ordinal)
            let made: (url: String, password: String)
            switch kind {
            case .postgres: made = try await servers.postgres(start: true)!.provision(resource)
            case .redis: made = try await servers.redis(start: true)!.provision(resource)
            }
            let color = AddOnURL.color(for: resource, avoiding: colors)
            colors.insert(color)
            var vars = ["\(kind.colorPrefix)_\(color)_URL": made.url]
            if let name = addon.attachmentConfigVar(isFirstOfService: ordinal == 0) { vars[name] = made.url }
            attachments.append(AddOnAttachment(kind: kind, plan: addon.plan, resource: resource, configVars: vars, secretValues: [made.password]))
        }
        return ProvisionedAddOns(attachments: attachments, warnings: plan.warnings)
    }

    private func drop(_ owner: AddOnOwner) async throws(AddOnError) -> [String] {
        let postgres = try await servers.postgres(start: false)?.deprovision(owner) ?? []
        let redis = try await servers.redis(start: false)?.deprovision(owner) ?? []
        return Self.named(postgres: postgres, redis: redis)
    }

    /// Dropped resources as `heroku-postgresql slipway_addon_x`, `heroku-redis slipway_addon_x`.
    private static func named(postgres: [String], redis: [String]) -> [String] {
        postgres.map { "\(AddOnKind.postgres.rawValue) \($0)" } + redis.map { "\(AddOnKind.redis.rawValue) \($0)" }
    }

    /// Runs `body` alone: provisioning, dropping and recovery never interleave (they are short, and a recovery
    /// must not drop what a provision is making).
    private func exclusively<Result: Sendable>(_ body: () async throws(AddOnError) -> Result) async throws(AddOnError) -> Result {
        while busy { try? await Task.sleep(for: .milliseconds(10)) }
        busy = true
        defer { busy = false }
        return try await body()
    }
}
