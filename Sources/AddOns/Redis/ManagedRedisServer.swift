import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Redis server Slipway runs for the `heroku-redis` add-on when `--addons-redis` is not given: Debian's
/// `redis-server` on 127.0.0.1 at a port chosen once (`redis/port`), with 1024 logical databases, an append-only
/// file in `<add-ons dir>/redis` and the ACL file `users.acl` that keeps the apps' users across restarts. The
/// `default` user is the admin, with a password derived from the credentials key. With a `listenAddress` it
/// listens there too, and hands that address out (every user has a password; `protected-mode` stays on).
actor ManagedRedisServer {
    private let directory: URL
    private let key: CredentialKey
    private let durable: Bool
    private let listenAddress: String?
    private var endpoint: ServerEndpoint?

    static let databases = 1024

    init(directory: URL, key: CredentialKey, durable: Bool = true, listenAddress: String? = nil) {
        self.directory = directory.appendingPathComponent("redis")
        self.key = key
        self.durable = durable
        self.listenAddress = listenAddress
    }

    var log: URL { directory.appendingPathComponent("server.log") }
    private var pidFile: URL { directory.appendingPathComponent("redis.pid") }

    func start() async throws(AddOnError) -> ServerEndpoint {
        if let endpoint { return endpoint }
        let binary = try Self.binary()
        let account = try ServerProcess.account("redis")
        try ServerProcess.prepareDirectory(directory, for: account)
        let port = try ServerProcess.persistentPort(in: directory.appendingPathComponent("port"))
        let password = key.password("admin-redis", "default")
        let acl = directory.appendingPathComponent("users.acl")
        if !FileManager.default.fileExists(atPath: acl.path) {
            try ServerProcess.writePrivate("user default on >\(password) ~* &* +@all\n", to: acl, for: account)
        }
        let persistence = durable ? "appendonly yes\nappendfsync everysec\nsave \"\"\n" : "appendonly no\nsave \"\"\n"
        let configuration = """
            bind \((["127.0.0.1"] + (listenAddress.map { [$0] } ?? [])).joined(separator: " "))
            port \(port)
            protected-mode yes
            daemonize no
            dir \(directory.path)
            pidfile \(pidFile.path)
            databases \(Self.databases)
            aclfile \(acl.path)
            \(persistence)
            """
        let configFile = directory.appendingPathComponent("redis.conf")
        try ServerProcess.writePrivate(configuration, to: configFile, for: account)
        await ServerProcess.stop(pidFile: pidFile, program: "redis-server", signal: SIGTERM)
        try ServerProcess.start([binary, configFile.path], as: account, log: log, stopSignal: "TERM", removing: durable ? nil : directory)
        let endpoint = ServerEndpoint(host: "127.0.0.1", port: port, user: "default", password: password, advertisedHost: listenAddress)
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                _ = try await RedisConnection.with(host: endpoint.host, port: port, user: "default", password: password) { try await $0.run(["PING"]) }
                break
            } catch {
                if ContinuousClock.now > deadline {
                    let tail = (try? String(contentsOf: log, encoding: .utf8))?.suffix(1500) ?? ""
                    throw AddOnError(.serverUnavailable, "the Redis add-on server did not answer within 20 s (port \(port), log \(log.path)):\n\(tail)")
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        self.endpoint = endpoint
        return endpoint
    }

    func stop() async {
        await ServerProcess.stop(pidFile: pidFile, program: "redis-server", signal: SIGTERM)
        endpoint = nil
    }

    static func binary() throws(AddOnError) -> String {
        let configured = ProcessInfo.processInfo.environment["SLIPWAY_REDIS_SERVER"]
        for path in [configured, "/usr/bin/redis-server", "/usr/local/bin/redis-server"].compactMap({ $0 })
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw AddOnError(.serverSetup, "Redis is not installed (no /usr/bin/redis-server): run ci/setup, set SLIPWAY_REDIS_SERVER, "
            + "or give an external server with --addons-redis URL")
    }
}
