import Foundation
import Platform
import Sandbox
import SlipwayModel
import TestRunner

/// How the pull-request flow behaves in this service.
public struct PullRequestSettings: Sendable {
    /// Mirrors, timing histories and test scratch space live under here.
    public var dataDirectory: URL
    /// Review apps are `pr-<N>.<pipeline>.<domain>`.
    public var domain: String
    /// The router's port, for the review-app URLs shown to people.
    public var routerPort: Int
    /// The router's HTTPS port when it serves HTTPS (review-app URLs are then `https://`).
    public var httpsPort: Int?
    /// The check contexts the gate requires on a test merge commit.
    public var requiredChecks: [String]
    /// How often every pipeline is fetched and reconciled without a webhook; nil: webhooks only.
    public var pollInterval: Duration?
    /// How often stale review apps are looked for.
    public var reaperInterval: Duration
    /// Review apps with no deploy for this long are destroyed when app.json sets no `slipway.review.stale_days`.
    public var defaultStaleDays: Int
    /// Overrides app.json's worker count for every test run (nil: app.json's).
    public var testWorkers: Int?
    /// Longest a test run may take.
    public var testTimeout: Duration
    /// How test processes are started (the service's one launcher).
    public var launcher: SandboxLauncher
    /// `serve --local-test-slots`: the lease board of remote workers and how many slots of a run stay here; nil:
    /// every slot here.
    public var remoteTests: (board: LeaseBoard, localSlots: Int)?
    /// This service's `ServiceInstance.id` when several instances share the store (PostgreSQL): its test runs are
    /// owned by it, and it adopts those of dead instances. nil (the embedded SQLite service): runs have no owner.
    public var instanceID: String?

    public init(dataDirectory: URL, domain: String = "localhost", routerPort: Int = 5000, httpsPort: Int? = nil,
                requiredChecks: [String] = [CheckContext.ci],
                pollInterval: Duration? = .seconds(30), reaperInterval: Duration = .seconds(3600), defaultStaleDays: Int = 5,
                testWorkers: Int? = nil, testTimeout: Duration = .seconds(3600), launcher: SandboxLauncher = .unsandboxed) {
        self.dataDirectory = dataDirectory
        self.domain = domain
        self.routerPort = routerPort
        self.httpsPort = httpsPort
        self.requiredChecks = requiredChecks
        self.pollInterval = pollInterval
        self.reaperInterval = reaperInterval
        self.defaultStaleDays = defaultStaleDays
        self.testWorkers = testWorkers
        self.testTimeout = testTimeout
        self.launcher = launcher
    }

    var mirrorsDirectory: URL { dataDirectory.appendingPathComponent("mirrors") }
    var scratchDirectory: URL { dataDirectory.appendingPathComponent("tmp") }

    /// The URL a person opens: through the router, on its port.
    public func reviewAppURL(host: String) -> String {
        ReviewAppNaming.url(host: host, routerPort: routerPort, httpsPort: httpsPort)
    }
}
