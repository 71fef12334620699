import Foundation

/// Where an add-on kind's server comes from.
public enum AddOnServer: Sendable, Equatable {
    /// Run by Slipway in the add-ons directory, started on first use and with `start()` once it exists.
    case managed
    /// An existing server: the admin URL of `--addons-postgres` / `--addons-redis` (never shown or logged).
    case external(String)
}

/// How the add-ons are set up: `serve` makes one from its options and data dir.
public struct AddOnConfiguration: Sendable {
    /// `<data dir>/addons`: the credentials key and the managed servers' files.
    public var directory: URL
    public var postgres: AddOnServer
    public var redis: AddOnServer
    /// False only in tests and benchmarks: the managed servers then skip fsync, and their files are removed when
    /// this process ends (by the servers' watchdogs).
    public var durable: Bool
    /// `--addons-address`: an address of this machine the managed servers listen on besides 127.0.0.1, and the host
    /// of the URLs they hand out, so that tests on remote workers reach them. Nil: loopback only.
    public var listenAddress: String?

    public init(directory: URL, postgres: AddOnServer = .managed, redis: AddOnServer = .managed, durable: Bool = true,
                listenAddress: String? = nil) {
        self.directory = directory
        self.postgres = postgres
        self.redis = redis
        self.durable = durable
        self.listenAddress = listenAddress
    }
}

/// The servers behind the add-ons: a managed one is started when first needed; `reachable == false` asks only
/// whether one is known to exist, so that recovery and listing never `initdb` a server nobody used.
actor AddOnServers {
    private let configuration: AddOnConfiguration
    private let key: CredentialKey
    private let managedPostgres: ManagedPostgresServer
    private let managedRedis: ManagedRedisServer
    private let externalPostgres: ServerEndpoint?
    private let externalRedis: ServerEndpoint?
    private var redisUsersRestored = false

    init(configuration: AddOnConfiguration, key: CredentialKey) throws(AddOnError) {
        self.configuration = configuration
        self.key = key
        managedPostgres = ManagedPostgresServer(directory: configuration.directory, key: key, durable: configuration.durable,
                                                listenAddress: configuration.listenAddress)
        managedRedis = ManagedRedisServer(directory: configuration.directory, key: key, durable: configuration.durable,
                                          listenAddress: configuration.listenAddress)
        if case .external(let url) = configuration.postgres { externalPostgres = try ServerEndpoint.postgres(url) } else { externalPostgres = nil }
        if case .external(let url) = configuration.redis { externalRedis = try ServerEndpoint.redis(url) } else { externalRedis = nil }
    }

    /// The PostgreSQL databases, starting the managed server if `start`; nil when it was never set up and `start` is false.
    func postgres(start: Bool) async throws(AddOnError) -> PostgresDatabases? {
        if let externalPostgres { return PostgresDatabases(admin: PostgresAdmin(endpoint: externalPostgres), key: key) }
        guard start || exists("postgres/data") else { return nil }
        return PostgresDatabases(admin: PostgresAdmin(endpoint: try await managedPostgres.start()), key: key)
    }

    func redis(start: Bool) async throws(AddOnError) -> RedisDatabases? {
        let endpoint: ServerEndpoint
        if let externalRedis {
            endpoint = externalRedis
        } else {
            guard start || exists("redis/users.acl") else { return nil }
            endpoint = try await managedRedis.start()
        }
        let databases = RedisDatabases(endpoint: endpoint, key: key)
        if !redisUsersRestored {
            try await databases.restoreUsers()
            redisUsersRestored = true
        }
        return databases
    }

    func stop() async {
        await managedPostgres.stop()
        await managedRedis.stop()
        redisUsersRestored = false
    }

    private func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: configuration.directory.appendingPathComponent(path).path)
    }
}
