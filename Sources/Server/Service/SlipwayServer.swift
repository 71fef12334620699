import Certificates
import EdgeRouter
import Foundation
import Orchestration
import Hummingbird
import Logging
import Platform
import Sandbox
import ServiceLifecycle
import SlipwayModel
import Store
import TestRunner

/// What `slipway serve` was asked to do.
public struct ServeOptions: Sendable {
    public var dataDirectory: URL
    public var bind: String
    public var apiPort: Int
    public var routerPort: Int
    public var domain: String
    /// Seconds between polls of every pipeline's repository; nil: webhooks (and the start) only.
    public var pollSeconds: Int?
    /// Workers for every test run instead of app.json's count (nil: app.json's).
    public var testWorkers: Int?
    /// Where the state lives: the SQLite file in the data dir, or PostgreSQL (`--database`).
    public var database: StoreDatabase
    /// Start repository code in the sandbox (the default); false is `--no-sandbox`.
    public var sandbox: Bool
    /// The router's client-side timeouts (`--header-timeout`, `--keep-alive-timeout`), in seconds.
    public var headerTimeoutSeconds: Int = 10
    public var keepAliveTimeoutSeconds: Int = 75
    /// HTTPS at the router (`--https-port`, `--tls …`); nil: plain HTTP only.
    public var tls: ServeTLSOptions?
    /// `--addons-postgres URL` / `--addons-redis URL`: existing servers for the add-ons (admin URLs, never shown);
    /// nil: Slipway runs its own in the data dir, started on first use.
    public var addonsPostgres: String?
    public var addonsRedis: String?
    /// `--addons-address`: the managed add-on servers also listen there and name it in their URLs.
    public var addonsAddress: String?
    /// `--allow-path DIR` (repeatable): local directories the API may deploy from or make pipelines on, besides
    /// the data dir (`LocalPathPolicy`).
    public var allowedPaths: [URL] = []
    /// `--public-url`: where the dashboard is reachable from outside; the links sent to GitHub start with it.
    public var publicURL: String?
    /// `--github-timeout`: seconds one request to GitHub may take.
    public var gitHubTimeoutSeconds: Int = 10
    /// `--local-test-slots`: at most this many slots of a test run run here, the rest on remote workers; nil: all here.
    public var localTestSlots: Int?
    /// `--worker-heartbeat`: how often remote workers heartbeat (their leases expire after two intervals).
    public var workerHeartbeat: Duration = .seconds(5)
    /// `--instance-heartbeat`: with PostgreSQL, how often this instance heartbeats its row; another instance adopts
    /// its test runs after `InstanceLiveness.silentIntervals` intervals without one.
    public var instanceHeartbeat: Duration = .seconds(2)

    public init(dataDirectory: URL, bind: String = "127.0.0.1", apiPort: Int = 5100, routerPort: Int = 5000, domain: String = "localhost",
                pollSeconds: Int? = 30, testWorkers: Int? = nil, database: StoreDatabase = .sqlite, sandbox: Bool = true) {
        self.dataDirectory = dataDirectory
        self.bind = bind
        self.apiPort = apiPort
        self.routerPort = routerPort
        self.domain = domain
        self.pollSeconds = pollSeconds
        self.testWorkers = testWorkers
        self.database = database
        self.sandbox = sandbox
    }
}

/// The service: opens the store (SQLite in the data dir, or PostgreSQL), cleans up after a previous instance,
/// makes the admin token on the first start, then runs the store, the router, the apps' runtime and the API
/// until SIGTERM or SIGINT, which shut them down gracefully in reverse order: the API stops accepting, the
/// dynos stop (while the router still routes), the router closes, the store closes.
///
/// Two `ServiceGroup`s, one inside the other: the outer one runs the store (a PostgreSQL store's connection
/// pool runs there, and startup needs it) and then everything else, which starts once startup is done, as an
/// inner group. The outer group's graceful shutdown reaches the inner one first, so the store closes last.
public enum SlipwayServer {
    public static func run(
        _ options: ServeOptions,
        environmentToken: String?,
        webhookSecret environmentSecret: String? = ProcessInfo.processInfo.environment["SLIPWAY_WEBHOOK_SECRET"],
        announce: @escaping @Sendable (String) -> Void,
        afterStart: AfterStart? = nil
    ) async throws {
        let logger = Logger(label: "slipway")
        let store = try await options.database.open(dataDirectory: options.dataDirectory)
        let serving = ServingService {
            try await serve(store: store, options, environmentToken: environmentToken, webhookSecret: environmentSecret,
                            announce: announce, afterStart: afterStart, logger: logger)
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: StoreService(store: store, logger: logger), serviceName: "store"),
                .init(service: serving, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "slipway"),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }

    /// Startup, then the router, runtime, pull-request flow and API as a group until the outer group shuts down.
    private static func serve(
        store: any SlipwayStore,
        _ options: ServeOptions,
        environmentToken: String?,
        webhookSecret environmentSecret: String?,
        announce: @escaping @Sendable (String) -> Void,
        afterStart: AfterStart?,
        logger: Logger
    ) async throws {
        let launcher = try await ServiceSandbox.launcher(options, announce: announce)
        // On PostgreSQL several instances may share the store: each registers (before recovery, so two starting
        // together see each other) and owns the test runs it starts. The embedded SQLite store has one service.
        let liveness = InstanceLiveness(heartbeat: options.instanceHeartbeat)
        let instance = options.database == .sqlite ? nil
            : try await store.registerInstance(name: "\(ProcessInfo.processInfo.hostName):\(options.apiPort)")
        if let instance { announce("service instance \(instance.id) (\(instance.name)) on the shared store") }
        let recovery = try await StartupRecovery.run(store: store, instance: instance, liveSince: liveness.silentSince(Date()))
        if !recovery.otherInstances.isEmpty {
            announce("\(recovery.otherInstances.count) other service instance(s) alive (\(recovery.otherInstances.map(\.name).joined(separator: ", "))): "
                     + "startup recovery skipped, their work may be in flight; dead instances' test runs are adopted")
        }
        let interrupted = recovery.interrupted.operations.count + recovery.interrupted.releases.count
            + recovery.interrupted.buildIDs.count + recovery.interrupted.testRunIDs.count + recovery.interrupted.reviewApps.count
        if interrupted > 0 || recovery.stoppedDynos > 0 {
            announce("recovered from an interrupted run: \(interrupted) unfinished item(s) marked failed, \(recovery.stoppedDynos) leftover dyno(s) killed")
        }

        switch try await AdminToken.bootstrap(store: store, dataDirectory: options.dataDirectory, environmentToken: environmentToken) {
        case .existing: break
        case .environment: announce("admin token: taken from SLIPWAY_TOKEN (stored hashed)")
        case .generated(let token, let file):
            announce("admin token (shown once; also in \(file.path), mode 0600):\n  \(token)")
        }

        let tls = try options.tls?.prepare(dataDirectory: options.dataDirectory, announce: announce)
        let router = EdgeRouter(configuration: RouterConfiguration(
            host: options.bind, port: options.routerPort, domain: options.domain,
            headerTimeout: .seconds(Int64(options.headerTimeoutSeconds)),
            keepAliveTimeout: .seconds(Int64(options.keepAliveTimeoutSeconds)), tls: tls?.router))
        let runtimes = AppRuntimes(router: router, dataDirectory: options.dataDirectory, launcher: launcher)
        let addons = try await Self.startAddOns(options, store: store, announce: announce, logger: logger)
        let leaseBoard = LeaseBoard(heartbeat: options.workerHeartbeat)
        var settings = PullRequestSettings(
            dataDirectory: options.dataDirectory, domain: options.domain, routerPort: options.routerPort,
            httpsPort: options.tls?.httpsPort, pollInterval: options.pollSeconds.map { .seconds($0) }, testWorkers: options.testWorkers, launcher: launcher)
        if let local = options.localTestSlots { settings.remoteTests = (leaseBoard, local) }
        settings.instanceID = instance?.id
        let pullRequestSettings = settings
        let github = GitHubWiring(store: store, options: options, reviewAppURL: { pullRequestSettings.reviewAppURL(host: $0) }, logger: logger)
        var deployer = Deployer(
            store: store, builds: BuildStore(root: options.dataDirectory.appendingPathComponent("builds"),
                                             launcher: launcher, hidden: [options.dataDirectory.path]), runtimes: runtimes,
            addons: addons)
        // Promotions to staging and production become GitHub deployments too.
        deployer.releaseObservers = [github.deploymentReporter]
        let webhook = try WebhookSecret.load(dataDirectory: options.dataDirectory, environment: environmentSecret)
        if let file = webhook.generatedFile {
            announce("webhook secret for POST /webhooks/github generated in \(file.path) (mode 0600)")
        }
        let flow = PullRequestFlow(store: store, deployer: deployer, settings: pullRequestSettings,
            checkObservers: [github.checkReporter], reviewAppObservers: [github.deploymentReporter], logger: logger)
        let api = buildApplication(
            APIServerConfiguration(host: options.bind, port: options.apiPort), store: store, deployer: deployer,
            pullRequests: PullRequestWiring(flow: flow, webhookSecret: webhook.secret),
            localPaths: LocalPathPolicy(dataDirectory: options.dataDirectory, allowed: options.allowedPaths),
            workers: leaseBoard, logger: logger)
        announce("API on http://\(options.bind):\(options.apiPort), router on http://\(options.bind):\(options.routerPort)\(options.tls.map { " and https://\(options.bind):\($0.httpsPort)" } ?? "") (*.\(options.domain)), data in \(options.dataDirectory.path)"
                 + (options.database == .sqlite ? "" : ", state in \(options.database)"))

        var extra: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let afterStart {
            let running = RunningService(options: options, store: store, deployer: deployer, flow: flow, router: router)
            extra.append(.init(service: AfterStartService(running: running, body: afterStart.body),
                               successTerminationBehavior: afterStart.stopsService ? .gracefullyShutdownGroup : .ignore,
                               failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: RouterService(router: router, tls: tls), serviceName: "router"),
            .init(service: RuntimeService(deployer: deployer, runtimes: runtimes, logger: logger), serviceName: "runtime"),
            .init(service: GitHubSenderService(sender: github.sender), serviceName: "github"),
        ]
        if let instance {
            // Listed before the flow, so it stops after it: the row goes once no run of this instance is left.
            services.append(.init(service: InstanceService(store: store, instance: instance, liveness: liveness, flow: flow,
                                                           logger: logger), serviceName: "instance"))
        }
        services += [
            .init(service: PullRequestService(flow: flow, logger: logger), serviceName: "pull-requests"),
            .init(service: AddOnsService(addons: addons), serviceName: "add-ons"),
            .init(service: HousekeepingService(housekeeping: Housekeeping(store: store, builds: deployer.builds),
                                               interval: .seconds(3600), logger: logger), serviceName: "housekeeping"),
            .init(service: LeaseBoardService(board: leaseBoard), serviceName: "lease-board"),
            .init(service: api, serviceName: "api"),
        ]
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services + extra, logger: logger))
        try await group.run()
    }
}

/// Work to run inside the service once it has started (`slipway demo`'s tour), with what it needs.
public struct AfterStart: Sendable {
    public var body: @Sendable (RunningService) async throws -> Void
    /// Shut the service down when `body` returns (`--once`); otherwise it keeps serving until SIGTERM.
    public var stopsService: Bool

    public init(stopsService: Bool, body: @escaping @Sendable (RunningService) async throws -> Void) {
        self.body = body
        self.stopsService = stopsService
    }
}

/// The parts of a running service, for `AfterStart`.
public struct RunningService: Sendable {
    public let options: ServeOptions
    public let store: any SlipwayStore
    public let deployer: Deployer
    public let flow: PullRequestFlow
    public let router: EdgeRouter
}

/// Runs `body` (startup and the inner group) as a service of the outer group.
private struct ServingService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws {
        try await body()
    }
}

/// Ends the leases of remote workers that stopped heartbeating, until shutdown.
private struct LeaseBoardService: Service {
    let board: LeaseBoard

    func run() async throws {
        await cancelWhenGracefulShutdown { await board.run() }
    }
}

private struct AfterStartService: Service {
    let running: RunningService
    let body: @Sendable (RunningService) async throws -> Void

    func run() async throws {
        try await body(running)
    }
}
