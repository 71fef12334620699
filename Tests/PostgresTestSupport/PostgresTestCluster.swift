import Foundation
import Logging
import PostgresNIO
#if canImport(Glibc)
import Glibc
#endif

/// A private, throwaway PostgreSQL server for the tests: `initdb` into a temporary directory, `postgres` on a free
/// loopback port with password (SCRAM) authentication, started once per test process on first use. Each test
/// gets a database of its own (`makeDatabase()`), dropped afterwards.
///
/// No system service is needed. `initdb` refuses to run as root, so as root the server runs as the `postgres`
/// user (`runuser -u postgres --`). A shell beside the server watches the test process and stops the server and
/// removes its directory once the test process is gone, even after `kill -9`. When PostgreSQL is not installed,
/// `shared()` throws: the PostgreSQL tests fail loudly instead of being skipped (`ci/setup` installs it).
public final class PostgresTestCluster: Sendable {
    public let port: Int
    public let password: String
    /// The cluster's directory: `data/` (the database files) and `server.log`.
    public let directory: URL
    public var dataDirectory: URL { directory.appendingPathComponent("data") }

    private init(port: Int, password: String, directory: URL) {
        self.port = port
        self.password = password
        self.directory = directory
    }

    /// The URL of `database` on this cluster, as the `postgres` superuser (whose password is `password`).
    public func url(database: String, password: String? = nil) -> String {
        "postgres://postgres:\(password ?? self.password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// The process's cluster, started on first use.
    public static func shared() async throws -> PostgresTestCluster {
        try await Starter.shared.cluster()
    }

    /// Creates an empty database and returns its name.
    public func makeDatabase() async throws -> String {
        let name = "slipway_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer("CREATE DATABASE \(name)")
        return name
    }

    /// Drops `database`, ending any connection still open to it.
    public func dropDatabase(_ name: String) async throws {
        try await administer("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement as the superuser on the `postgres` database (CREATE DATABASE, CHECKPOINT, …) or on
    /// `database`; returns the first column of each row as text.
    @discardableResult
    public func administer(_ sql: String, database: String = "postgres") async throws -> [String] {
        let configuration = PostgresConnection.Configuration(
            host: "127.0.0.1", port: port, username: "postgres", password: password, database: database, tls: .disable)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "postgres-test-cluster"))
        do {
            var values: [String] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "postgres-test-cluster")) {
                if let cell = row.first { values.append((try? cell.decode(String?.self)).flatMap { $0 } ?? "") }
            }
            try await connection.close()
            return values
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Starts the cluster at most once per process, even when several tests ask at the same time.
    private actor Starter {
        static let shared = Starter()
        private var started: Task<PostgresTestCluster, any Error>?

        func cluster() async throws -> PostgresTestCluster {
            if let started { return try await started.value }
            let task = Task { try await PostgresTestCluster.start() }
            started = task
            return try await task.value
        }
    }

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where Debian installs PostgreSQL's server programs: the newest `/usr/lib/postgresql/<version>/bin`
    /// (or `$SLIPWAY_POSTGRES_BIN`).
    static func binDirectory() throws -> URL {
        if let configured = ProcessInfo.processInfo.environment["SLIPWAY_POSTGRES_BIN"] {
            return URL(fileURLWithPath: configured)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return URL(fileURLWithPath: "\(root)/\(version)/bin")
        }
        throw SetupError(description: "PostgreSQL is not installed: no initdb under \(root)/<version>/bin; "
            + "run ci/setup (it installs Debian's postgresql) or set SLIPWAY_POSTGRES_BIN")
    }

    private static func start() async throws -> PostgresTestCluster {
        let bin = try binDirectory()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-postgres-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let password = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let passwordFile = directory.appendingPathComponent("pwfile")
        try Data((password + "\n").utf8).write(to: passwordFile)
        let asRoot = geteuid() == 0
        if asRoot { try chown(directory, to: "postgres") }

        let data = directory.appendingPathComponent("data").path
        let log = directory.appendingPathComponent("server.log").path
        try run(bin.appendingPathComponent("initdb").path,
                ["-D", data, "-U", "postgres", "--pwfile=\(passwordFile.path)", "--auth=scram-sha-256",
                 "--encoding=UTF8", "--locale=C", "--no-sync"], asPostgres: asRoot, log: log)
        try? FileManager.default.removeItem(at: passwordFile)

        let port = try freePort()
        let durable = ProcessInfo.processInfo.environment["SLIPWAY_TEST_PG_DURABLE"] == "1"
        // Tests need no durability across a machine crash; benchmarks set SLIPWAY_TEST_PG_DURABLE=1.
        let settings = durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        let server = ([bin.appendingPathComponent("postgres").path, "-D", data, "-p", "\(port)", "-k", directory.path,
                       "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"] + settings)
            .map(shellQuoted).joined(separator: " ")
        // The watchdog: stop the server (fast shutdown) and remove its directory when the test process is gone.
        let watchdog = """
            \(server) >>\(shellQuoted(log)) 2>&1 &
            pg=$!
            while [ -d /proc/\(getpid()) ] && kill -0 "$pg" 2>/dev/null; do sleep 0.5; done
            kill -INT "$pg" 2>/dev/null; wait "$pg"
            rm -rf \(shellQuoted(directory.path))
            """
        try spawnDetached(["/bin/sh", "-c", watchdog], asPostgres: asRoot)

        let cluster = PostgresTestCluster(port: port, password: password, directory: directory)
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await cluster.administer("SELECT 1")
                return cluster
            } catch {
                if ContinuousClock.now > deadline {
                    let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.suffix(2000) ?? ""
                    throw SetupError(description: "the test PostgreSQL server did not accept connections within 30 s: \(String(reflecting: error))\n\(tail)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private static func command(_ executable: String, _ arguments: [String], asPostgres: Bool) -> (String, [String]) {
        asPostgres ? ("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments) : (executable, arguments)
    }

    /// Runs a command to the end; throws with its output when it fails.
    private static func run(_ executable: String, _ arguments: [String], asPostgres: Bool, log: String) throws {
        let (path, args) = command(executable, arguments, asPostgres: asPostgres)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SetupError(description: "\(([path] + args).joined(separator: " ")) failed (exit \(process.terminationStatus)):\n\(text)")
        }
    }

    /// Starts a process that outlives this call (the server and its watchdog); its output goes nowhere.
    private static func spawnDetached(_ arguments: [String], asPostgres: Bool) throws {
        let (path, args) = command(arguments[0], Array(arguments.dropFirst()), asPostgres: asPostgres)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    private static func chown(_ url: URL, to user: String) throws {
        guard let entry = getpwnam(user) else {
            throw SetupError(description: "there is no '\(user)' user to run PostgreSQL as (Debian's postgresql package creates it)")
        }
        guard Glibc.chown(url.path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw SetupError(description: "cannot hand \(url.path) to \(user): errno \(errno)")
        }
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SetupError(description: "socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw SetupError(description: "bind() failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw SetupError(description: "getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
