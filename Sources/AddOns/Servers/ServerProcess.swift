import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Debian account a managed server runs as when Slipway runs as root.
struct ServerAccount: Sendable {
    var uid: uid_t
    var gid: gid_t
    var name: String
}

/// Starting the managed add-on servers (PostgreSQL, Redis). They are Debian programs, not repository code, so they
/// are not sandboxed; as root they run as their own Debian user (`postgres`, `redis`: `initdb` refuses root).
///
/// Each server is started by a small shell, its watchdog, that stops it (the given signal) once this process is
/// gone, even after `kill -9`: a crashed `serve` leaves no server holding the data directory or the port.
enum ServerProcess {
    /// The account a server runs as: `user` when this process is root, else this process's own.
    static func account(_ user: String) throws(AddOnError) -> ServerAccount? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam(user) else {
            throw AddOnError(.serverSetup, "there is no '\(user)' user to run the add-on server as (Debian's package creates it; run ci/setup)")
        }
        return ServerAccount(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, name: user)
    }

    /// Makes `directory` (and its parents) and hands it to `account`.
    static func prepareDirectory(_ directory: URL, for account: ServerAccount?, mode: Int = 0o700) throws(AddOnError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: directory.path)
        } catch {
            throw AddOnError(.serverSetup, "cannot make the add-on directory \(directory.path): \(error.localizedDescription)")
        }
        if let account, chown(directory.path, account.uid, account.gid) != 0 {
            throw AddOnError(.serverSetup, "cannot hand \(directory.path) to \(account.name) (errno \(errno))")
        }
        // `<data dir>/addons/<server>`: the data dir is Slipway's own, and usually private (0700).
        if let account { try requireReachable(directory, by: account, owned: directory.deletingLastPathComponent().deletingLastPathComponent()) }
    }

    /// The server's account must be able to pass through every directory above its own (search permission), or
    /// `initdb` fails later with a bare "Permission denied". Slipway's own data dir (`owned`) stays private to
    /// everyone else: the account alone gets search permission on it, by a POSIX ACL entry (`setfacl -m
    /// u:postgres:x`), never `o+x`, which would open the store's file to every local user. A directory above it
    /// that is in the way is named in the error: Slipway does not loosen what it does not own.
    static func requireReachable(_ directory: URL, by account: ServerAccount, owned: URL) throws(AddOnError) {
        var ancestor = directory.deletingLastPathComponent()
        while ancestor.path != "/" && !ancestor.path.isEmpty {
            var info = stat()
            if stat(ancestor.path, &info) == 0 {
                let mode = info.st_mode
                let searchable = info.st_uid == account.uid ? mode & S_IXUSR != 0
                    : info.st_gid == account.gid ? mode & S_IXGRP != 0 : mode & S_IXOTH != 0
                let isOwned = ancestor.standardizedFileURL.path.hasPrefix(owned.standardizedFileURL.path) && info.st_uid == geteuid()
                if !searchable && isOwned {
                    try run(["/usr/bin/setfacl", "-m", "u:\(account.name):x", ancestor.path], as: nil,
                            what: "letting \(account.name) pass through \(ancestor.path) (setfacl; Debian's acl package, ci/setup installs it)")
                } else if !searchable {
                    throw AddOnError(.serverSetup, "the add-on server runs as '\(account.name)', which cannot reach "
                        + "\(directory.path): \(ancestor.path) (mode \(String(mode & 0o777, radix: 8))) is not searchable by it; "
                        + "allow it (chmod o+x \(ancestor.path)), keep the data dir elsewhere, or give an existing server "
                        + "(serve --addons-postgres URL / --addons-redis URL)")
                }
            }
            ancestor = ancestor.deletingLastPathComponent()
        }
    }

    /// Runs a command to the end as `account`; throws with its output (which holds no secret: passwords go in files).
    static func run(_ arguments: [String], as account: ServerAccount?, what: String) throws(AddOnError) {
        let process = Process()
        let (path, args) = command(arguments, as: account)
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw AddOnError(.serverSetup, "\(what): cannot start \(arguments[0]): \(error.localizedDescription)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AddOnError(.serverSetup, "\(what) failed (exit \(process.terminationStatus)): \(text.suffix(1500))")
        }
    }

    /// Starts `server` behind its watchdog; returns at once. `stopSignal` is the server's clean shutdown signal.
    /// With `removing`, the watchdog also empties that directory once the server has stopped with this process
    /// (throwaway servers; the server's account may not remove the directory itself from its parent).
    static func start(_ server: [String], as account: ServerAccount?, log: URL, stopSignal: String, removing: URL? = nil) throws(AddOnError) {
        let watchdog = """
            \(server.map(shellQuoted).joined(separator: " ")) >>\(shellQuoted(log.path)) 2>&1 &
            server=$!
            while [ -d /proc/\(getpid()) ] && kill -0 "$server" 2>/dev/null; do sleep 0.5; done
            kill -\(stopSignal) "$server" 2>/dev/null; wait "$server"
            \(removing.map { "[ -d /proc/\(getpid()) ] || find \(shellQuoted($0.path)) -mindepth 1 -delete" } ?? "")
            """
        // setpriv, not runuser: runuser's child keeps the signals blocked that runuser blocks while it waits.
        let prefix = account.map { ["/usr/bin/setpriv", "--reuid=\($0.uid)", "--regid=\($0.gid)", "--init-groups", "--"] } ?? []
        try spawnClean(prefix + ["/bin/sh", "-c", watchdog])
    }

    /// `posix_spawn` with an empty signal mask and default dispositions: Foundation's `Process` passes on the
    /// parent's mask, in which SIGTERM is blocked on Swift's threads, and Redis (unlike PostgreSQL) never unblocks
    /// it, so it could not be stopped. A thread reaps the child when it ends.
    private static func spawnClean(_ arguments: [String]) throws(AddOnError) {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigemptyset(&everySignal)
        for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&everySignal, Int32(signal)) }
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard status == 0 else {
            throw AddOnError(.serverSetup, "cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        let child = pid
        Thread { var ended: Int32 = 0; _ = waitpid(child, &ended, 0) }.start()
    }

    /// Sends `signal` to the process in `pidFile` (first line) and waits up to `timeout` for it to end. Only a
    /// process whose command line names `program` is signalled: a stale pid file may name a pid now reused.
    static func stop(pidFile: URL, program: String, signal: Int32, timeout: Duration = .seconds(20)) async {
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
              let pid = text.split(whereSeparator: \.isNewline).first.flatMap({ pid_t($0.trimmingCharacters(in: .whitespaces)) }), pid > 1,
              let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
              String(decoding: commandLine, as: UTF8.self).contains(program)
        else { return }
        guard kill(pid, signal) == 0 else { return }
        let deadline = ContinuousClock.now + timeout
        while kill(pid, 0) == 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A free loopback TCP port, as the kernel hands one out.
    static func freePort() throws(AddOnError) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw AddOnError(.serverSetup, "socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw AddOnError(.serverSetup, "bind() failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw AddOnError(.serverSetup, "getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The port in `file`, or a free one written there: a managed server keeps its port across restarts, because
    /// the URLs in apps' releases name it.
    static func persistentPort(in file: URL) throws(AddOnError) -> Int {
        if let text = try? String(contentsOf: file, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return port
        }
        let port = try freePort()
        do { try Data("\(port)\n".utf8).write(to: file, options: .atomic) } catch {
            throw AddOnError(.serverSetup, "cannot write \(file.path): \(error.localizedDescription)")
        }
        return port
    }

    /// Writes a file only `account` (or this process) can read: passwords for `initdb`, Redis's ACL file.
    static func writePrivate(_ text: String, to file: URL, for account: ServerAccount?) throws(AddOnError) {
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw AddOnError(.serverSetup, "cannot write \(file.path)")
        }
        if let account, chown(file.path, account.uid, account.gid) != 0 {
            throw AddOnError(.serverSetup, "cannot hand \(file.path) to \(account.name) (errno \(errno))")
        }
    }

    private static func command(_ arguments: [String], as account: ServerAccount?) -> (String, [String]) {
        guard let account else { return (arguments[0], Array(arguments.dropFirst())) }
        return ("/usr/sbin/runuser", ["-u", account.name, "--"] + arguments)
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
