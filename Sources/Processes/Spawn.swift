#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `posix_spawn` with everything a supervised child needs, done between fork and exec by libc:
/// its process group, default signal dispositions and an empty signal mask (Swift and Foundation may
/// ignore `SIGPIPE` in the parent), `/dev/null` (or a given descriptor) on stdin, output to a file, its
/// working directory, and no inherited descriptors beyond 0–2.
enum Spawn {
    /// Starts `spec`; `processGroup` 0 makes the child the leader of a new group, any other value joins that group.
    static func start(_ spec: ProcessSpec, processGroup: pid_t, standardInput: Int32? = nil) throws(ProcessError)
        -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        posix_spawnattr_setpgroup(&attributes, processGroup)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigemptyset(&everySignal)
        for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&everySignal, Int32(signal)) }
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))

        if let standardInput {
            posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let descriptor = spec.outputDescriptor {
            posix_spawn_file_actions_adddup2(&actions, descriptor, 1)
        } else {
            let output = spec.outputPath ?? "/dev/null"
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard let addChdir = GNUSpawnExtensions.addChdir, let addCloseFrom = GNUSpawnExtensions.addCloseFrom else {
            throw ProcessError("this C library lacks posix_spawn_file_actions_addchdir_np/addclosefrom_np "
                               + "(glibc 2.34 or later is required)")
        }
        _ = addChdir(&actions, spec.workingDirectory)
        _ = addCloseFrom(&actions, 3)

        let argv = CStringArray([spec.executable] + spec.arguments)
        let envp = CStringArray(spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        var pid: pid_t = 0
        let status = posix_spawn(&pid, spec.executable, &actions, &attributes, argv.pointers, envp.pointers)
        guard status == 0 else {
            throw ProcessError("could not start \(spec.executable) in \(spec.workingDirectory): "
                               + String(cString: strerror(status)))
        }
        return pid
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np`, `…_addclosefrom_np` and `pipe2` are declared only under
/// `_GNU_SOURCE`, which Swift's Glibc module does not define; they are looked up once by name instead.
enum GNUSpawnExtensions {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    static let pipe2: Pipe2? = symbol("pipe2")

    /// A pipe whose ends are close-on-exec from the start, so no process spawned concurrently (by any
    /// thread, with any API) can inherit them; falls back to `pipe` + `fcntl` without `pipe2`.
    static func closeOnExecPipe(_ ends: inout [Int32]) -> Int32 {
        if let pipe2 { return ends.withUnsafeMutableBufferPointer { pipe2($0.baseAddress, O_CLOEXEC) } }
        guard pipe(&ends) == 0 else { return -1 }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return 0
    }

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

/// A NULL-terminated array of C strings that frees itself.
final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = strdup(string) }
        pointers[strings.count] = nil
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deallocate()
    }
}
