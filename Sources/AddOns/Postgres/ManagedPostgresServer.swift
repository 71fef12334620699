import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server Slipway runs for the `heroku-postgresql` add-on when `--addons-postgres` is not given:
/// `<add-ons dir>/postgres/data`, made by `initdb` on first use, listening on 127.0.0.1 at a port chosen once and
/// kept in `postgres/port` (apps' releases hold URLs with it). Its superuser `slipway_admin` signs in with a
/// password derived from the credentials key. Stopped by `stop()`, or by its watchdog when Slipway is gone.
/// With a `listenAddress` it listens there too, takes password sign-ins from its subnets (`PostgresAccessRules`)
/// and hands that address out, for tests on remote workers.
actor ManagedPostgresServer {
    private let directory: URL
    private let key: CredentialKey
    private let durable: Bool
    private let listenAddress: String?
    private var endpoint: ServerEndpoint?

    static let adminUser = "slipway_admin"

    /// `durable: false` turns off fsync (tests only: a machine crash may lose data).
    init(directory: URL, key: CredentialKey, durable: Bool = true, listenAddress: String? = nil) {
        self.directory = directory.appendingPathComponent("postgres")
        self.key = key
        self.durable = durable
        self.listenAddress = listenAddress
    }

    private var dataDirectory: URL { directory.appendingPathComponent("data") }
    var log: URL { directory.appendingPathComponent("server.log") }

    /// Starts the server (after `initdb` on first use) and returns where it listens; a second call returns at once.
    func start() async throws(AddOnError) -> ServerEndpoint {
        if let endpoint { return endpoint }
        let bin = try Self.binDirectory()
        let account = try ServerProcess.account("postgres")
        try ServerProcess.prepareDirectory(directory, for: account)
        let password = key.password("admin-postgres", Self.adminUser)
        let fresh = !FileManager.default.fileExists(atPath: dataDirectory.path)
        if fresh { try initialize(bin: bin, account: account, password: password) }
        let port = try ServerProcess.persistentPort(in: directory.appendingPathComponent("port"))
        // A server left by a Slipway that died a moment ago (its watchdog polls twice a second) still holds the
        // data directory: stop it first.
        await ServerProcess.stop(pidFile: dataDirectory.appendingPathComponent("postmaster.pid"), program: "postgres", signal: SIGINT)
        var settings = durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        // Written at every start, so the rules follow the option (initdb's own pg_hba.conf is not used).
        let rules = directory.appendingPathComponent("pg_hba.conf")
        try ServerProcess.writePrivate(PostgresAccessRules.text(listenAddress: listenAddress), to: rules, for: account)
        settings += ["-c", "hba_file=\(rules.path)"]
        let addresses = (["127.0.0.1"] + (listenAddress.map { [$0] } ?? [])).joined(separator: ",")
        try ServerProcess.start(
            [bin.appendingPathComponent("postgres").path, "-D", dataDirectory.path, "-p", "\(port)", "-k", directory.path,
             "-c", "listen_addresses=\(addresses)", "-c", "max_connections=300"] + settings,
            as: account, log: log, stopSignal: "INT", removing: durable ? nil : directory)
        let endpoint = ServerEndpoint(host: "127.0.0.1", port: port, user: Self.adminUser, password: password, database: "postgres",
                                      advertisedHost: listenAddress)
        try await waitUntilReady(endpoint)
        if fresh {
            // Only each app's own role may connect to its database; these two are the admin's alone.
            try await PostgresAdmin(endpoint: endpoint).run(
                ["REVOKE ALL ON DATABASE postgres FROM PUBLIC", "REVOKE ALL ON DATABASE template1 FROM PUBLIC"],
                what: "securing the managed PostgreSQL server")
        }
        self.endpoint = endpoint
        return endpoint
    }

    /// Stops the server (fast shutdown: open connections are ended, committed data is kept).
    func stop() async {
        await ServerProcess.stop(pidFile: dataDirectory.appendingPathComponent("postmaster.pid"), program: "postgres", signal: SIGINT)
        endpoint = nil
    }

    /// `initdb` into `data.new`, renamed to `data` when it is complete, so a crash during `initdb` is redone next time.
    private func initialize(bin: URL, account: ServerAccount?, password: String) throws(AddOnError) {
        let building = directory.appendingPathComponent("data.new")
        try? FileManager.default.removeItem(at: building)
        let passwordFile = directory.appendingPathComponent("pwfile")
        try ServerProcess.writePrivate(password + "\n", to: passwordFile, for: account)
        defer { try? FileManager.default.removeItem(at: passwordFile) }
        try ServerProcess.run(
            [bin.appendingPathComponent("initdb").path, "-D", building.path, "-U", Self.adminUser, "--pwfile=\(passwordFile.path)",
             "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"] + (durable ? [] : ["--no-sync"]),
            as: account, what: "initdb for the PostgreSQL add-on server")
        do { try FileManager.default.moveItem(at: building, to: dataDirectory) } catch {
            throw AddOnError(.serverSetup, "cannot move the new PostgreSQL data directory into place: \(error.localizedDescription)")
        }
    }

    private func waitUntilReady(_ endpoint: ServerEndpoint) async throws(AddOnError) {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await PostgresAdmin(endpoint: endpoint).run(["SELECT 1"], what: "starting")
                return
            } catch {
                if ContinuousClock.now > deadline {
                    let tail = (try? String(contentsOf: log, encoding: .utf8))?.suffix(1500) ?? ""
                    throw AddOnError(.serverUnavailable, "the PostgreSQL add-on server did not accept connections within 30 s "
                        + "(port \(endpoint.port), log \(log.path)): \(error.message)\n\(tail)")
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Where Debian installs PostgreSQL's server programs: the newest `/usr/lib/postgresql/<version>/bin`
    /// (or `$SLIPWAY_POSTGRES_BIN`).
    static func binDirectory() throws(AddOnError) -> URL {
        if let configured = ProcessInfo.processInfo.environment["SLIPWAY_POSTGRES_BIN"] {
            return URL(fileURLWithPath: configured)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return URL(fileURLWithPath: "\(root)/\(version)/bin")
        }
        throw AddOnError(.serverSetup, "PostgreSQL is not installed (no initdb under \(root)/<version>/bin): run ci/setup, "
            + "set SLIPWAY_POSTGRES_BIN, or give an external server with --addons-postgres URL")
    }
}
