import AddOns
import ArgumentParser
import Certificates
import Foundation
import GitHubReporting
import Server
import SlipwayModel
import Store

/// `slipway serve`: the API and the router in one process until SIGTERM or Ctrl-C.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: HTTP API, router and the state in the data dir.",
        discussion: """
        On the first start on a data dir the admin token is SLIPWAY_TOKEN when set, else a generated one \
        written to <data-dir>/admin-token (mode 0600) and printed once. SIGTERM and SIGINT shut down gracefully.
        """
    )

    @Option(help: "Where the state lives (created with mode 0700).") var dataDir: String = ".slipway"
    @Option(help: "The API's port.") var apiPort: Int = 5100
    @Option(help: "The router's port.") var routerPort: Int = 5000
    @Option(help: "Apps are routed as <app>.<domain>.") var domain: String = "localhost"
    @Option(help: "The address both ports bind to.") var bind: String = "127.0.0.1"
    @Option(help: "Seconds between fetches of every pipeline's repository (0: webhooks only).") var pollSeconds: Int = 30
    @Option(help: "Workers for every test run instead of app.json's count (1-32).") var testWorkers: Int?
    @Option(help: ArgumentHelp(
        "Where the state lives: postgres://user:password@host:port/database for PostgreSQL (default: SQLite, slipway.sqlite in the data dir).",
        valueName: "url")) var database: String?
    @Flag(help: "Run builds, tests, release tasks and dynos unsandboxed, as this service's user (unsafe: pull-request code can read the data dir).")
    var noSandbox = false
    @Option(help: "Seconds a client has to send a whole request head to the router (408 after).") var headerTimeout: Int = 10
    @Option(help: "Seconds an idle keep-alive connection to the router stays open.") var keepAliveTimeout: Int = 75
    @OptionGroup(title: "HTTPS") var https: ServeHTTPSOptions
    @Option(help: ArgumentHelp(
        "An existing PostgreSQL server for heroku-postgresql add-ons: its admin URL (never shown).",
        discussion: "Without it, serve runs its own PostgreSQL in <data-dir>/addons, started on first use."))
    var addonsPostgres: String?
    @Option(help: ArgumentHelp(
        "An existing Redis server for heroku-redis add-ons: its admin URL (never shown).",
        discussion: "Without it, serve runs its own redis-server in <data-dir>/addons, started on first use."))
    var addonsRedis: String?
    @Option(help: ArgumentHelp(
        "An address of this machine the managed add-on servers also listen on, and name in the URLs they hand out.",
        discussion: "For remote test workers (`slipway worker`), whose tests cannot reach this machine's loopback. Sign-ins need the add-on's password; PostgreSQL takes them only from this machine's subnets.",
        valueName: "address"))
    var addonsAddress: String?
    @Option(help: ArgumentHelp(
        "A directory the API may deploy from, or make pipelines on (repeatable).",
        discussion: "Local paths need an admin token and must lie in the data dir or one of these; without any, only URLs and the data dir's own repositories.",
        valueName: "dir"))
    var allowPath: [String] = []
    @Option(help: ArgumentHelp(
        "Where the service is reachable from outside, e.g. https://slipway.example.com.",
        discussion: "Links sent to GitHub (a commit status's details, a deployment's log) start with it; without it none are sent."))
    var publicURL: String?
    @Option(help: "Seconds one request to GitHub may take before it is retried.") var githubTimeout: Int = 10
    @Option(help: ArgumentHelp(
        "At most this many of a test run's slots run on this machine (0-32); the rest of app.json's count wait for remote workers (`slipway worker`).",
        discussion: "Default: every slot here, as without remote workers."))
    var localTestSlots: Int?
    @Option(help: "Seconds between a remote worker's heartbeats; its leases expire after two intervals without one (0.2-60).")
    var workerHeartbeat: Double = 5
    @Option(help: "With --database postgres://…: seconds between this instance's heartbeats; another instance adopts its test runs after 5 intervals without one (0.2-60).")
    var instanceHeartbeat: Double = 2

    func validate() throws {
        for path in allowPath {
            var isDirectory: ObjCBool = false
            guard path.hasPrefix("/"), FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--allow-path: \(path) is not an absolute path to an existing directory")
            }
        }
        for (flag, port) in [("--api-port", apiPort), ("--router-port", routerPort)] where !(1...65535).contains(port) {
            throw ValidationError("\(flag) must be between 1 and 65535, got \(port)")
        }
        if pollSeconds < 0 { throw ValidationError("--poll-seconds must be 0 (off) or more, got \(pollSeconds)") }
        if let testWorkers, !(1...32).contains(testWorkers) {
            throw ValidationError("--test-workers must be between 1 and 32, got \(testWorkers)")
        }
        for (flag, seconds) in [("--header-timeout", headerTimeout), ("--keep-alive-timeout", keepAliveTimeout)]
        where !(1...3600).contains(seconds) {
            throw ValidationError("\(flag) must be between 1 and 3600 seconds, got \(seconds)")
        }
        if apiPort == routerPort { throw ValidationError("--api-port and --router-port must differ") }
        if let publicURL, GitHubSettingsCheck.normalizedAPIBaseURL(publicURL) == nil {
            throw ValidationError("--public-url: expected an http(s) URL such as https://slipway.example.com, got \(publicURL.prefix(80))")
        }
        if let localTestSlots, !(0...32).contains(localTestSlots) {
            throw ValidationError("--local-test-slots must be between 0 and 32, got \(localTestSlots)")
        }
        if !(0.2...60).contains(workerHeartbeat) {
            throw ValidationError("--worker-heartbeat must be between 0.2 and 60 seconds, got \(workerHeartbeat)")
        }
        if let addonsAddress, let problem = ListenAddress.problem(with: addonsAddress) {
            throw ValidationError("--addons-address: \(problem)")
        }
        if !(0.2...60).contains(instanceHeartbeat) {
            throw ValidationError("--instance-heartbeat must be between 0.2 and 60 seconds, got \(instanceHeartbeat)")
        }
        if !(1...300).contains(githubTimeout) { throw ValidationError("--github-timeout must be between 1 and 300 seconds, got \(githubTimeout)") }
        do {
            _ = try StoreDatabase(database)
        } catch {
            // The message never repeats the URL's password.
            let problem = error.field == "database" && error.message.hasPrefix("database: ") ? String(error.message.dropFirst(10)) : error.message
            throw ValidationError("--database: \(problem)")
        }
        if domain.isEmpty || domain.contains("/") || domain.contains(" ") {
            throw ValidationError("--domain: expected a host name like localhost or apps.example.com")
        }
        if let tls = https.options, [apiPort, routerPort].contains(tls.httpsPort) {
            throw ValidationError("--https-port must differ from --api-port and --router-port")
        }
    }

    func run() async throws {
        var options = ServeOptions(
            dataDirectory: URL(fileURLWithPath: dataDir).standardizedFileURL,
            bind: bind, apiPort: apiPort, routerPort: routerPort, domain: domain,
            pollSeconds: pollSeconds == 0 ? nil : pollSeconds, testWorkers: testWorkers, database: try StoreDatabase(database),
            sandbox: !noSandbox)
        options.headerTimeoutSeconds = headerTimeout
        options.keepAliveTimeoutSeconds = keepAliveTimeout
        options.tls = https.options
        options.addonsPostgres = addonsPostgres
        options.addonsRedis = addonsRedis
        options.addonsAddress = addonsAddress
        options.allowedPaths = allowPath.map { URL(fileURLWithPath: $0).standardizedFileURL }
        options.publicURL = publicURL.flatMap(GitHubSettingsCheck.normalizedAPIBaseURL)
        options.gitHubTimeoutSeconds = githubTimeout
        options.localTestSlots = localTestSlots
        options.workerHeartbeat = .milliseconds(Int64((workerHeartbeat * 1000).rounded()))
        options.instanceHeartbeat = .milliseconds(Int64((instanceHeartbeat * 1000).rounded()))
        do {
            try await SlipwayServer.run(options, environmentToken: ProcessInfo.processInfo.environment["SLIPWAY_TOKEN"]) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch let error as StoreError {
            throw CLIFailure(exitCode: .checkFailed, message: error.message)
        } catch let error as ServeError {
            throw CLIFailure(exitCode: .checkFailed, message: error.message)
        } catch let error as CertificateError {
            // A certificate file or the local CA that does not load: bad input, nothing was started.
            throw CLIFailure.usage(error.description)
        } catch {
            throw CLIFailure(exitCode: .checkFailed, message: "the service stopped: \(error)")
        }
    }
}
