import Foundation

/// How limits are enforced on this machine, chosen once at start-up: cgroup v2 where the machine delegates
/// its memory, pids and cpu controllers, else cgroup v1 controllers mounted writable, else rlimits.
public enum LimitMechanism: Sendable, Equatable, CustomStringConvertible {
    /// A cgroup v2 directory (with memory, pids and cpu enabled for its children) cells are made under.
    case cgroupV2(base: String)
    /// cgroup v1: one directory per controller (memory, pids, cpu) cells are made under.
    case cgroupV1(memory: String, pids: String, cpu: String)
    /// `prlimit`: address space and per-uid process count only; no CPU limit, no out-of-memory record.
    case rlimits(prlimit: String)
    /// Nothing can be enforced (no cgroups, no prlimit).
    case unavailable

    public var description: String {
        switch self {
        case .cgroupV2(let base): "cgroup v2 (\(base): memory.max, pids.max, cpu.max)"
        case .cgroupV1(let memory, _, _):
            // memory is <root>/memory/<tag>
            "cgroup v1 (\(URL(fileURLWithPath: memory).deletingLastPathComponent().deletingLastPathComponent().path)/"
                + "{memory,pids,cpu}/\(URL(fileURLWithPath: memory).lastPathComponent): memory.limit_in_bytes, pids.max, cpu.cfs_quota_us)"
        case .rlimits: "rlimits (prlimit --as --nproc; no CPU limit)"
        case .unavailable: "none (no writable cgroup and no prlimit)"
        }
    }

    /// Finds the best mechanism: tries to make Slipway's cgroup directories (named after `tag`) and keeps the first
    /// that works.
    public static func detect(tag: String = "slipway") -> LimitMechanism {
        if let base = CgroupV2.prepare(tag: tag) { return .cgroupV2(base: base) }
        if let dirs = CgroupV1.prepare(tag: tag) { return .cgroupV1(memory: dirs.memory, pids: dirs.pids, cpu: dirs.cpu) }
        for path in ["/usr/bin/prlimit", "/bin/prlimit"] where FileManager.default.isExecutableFile(atPath: path) {
            return .rlimits(prlimit: path)
        }
        return .unavailable
    }
}

/// One process tree's limits as applied: the cgroup directories it joins, or the rlimits it starts with.
public struct LimitCell: Sendable, Equatable {
    public let mechanism: LimitMechanism
    public let limits: ResourceLimits
    /// The cgroup directories the process writes its pid into before exec (empty with rlimits).
    public let cgroupDirectories: [String]

    /// Makes the cell (`name` must be unique among live cells: a dyno's run, a test worker).
    public static func make(_ name: String, limits: ResourceLimits, mechanism: LimitMechanism) throws(SandboxError) -> LimitCell {
        switch mechanism {
        case .cgroupV2(let base):
            let directory = base + "/" + name
            try CgroupFiles.makeDirectory(directory)
            try CgroupFiles.write(String(limits.memoryBytes), to: directory + "/memory.max")
            try? CgroupFiles.write("0", to: directory + "/memory.swap.max")
            try CgroupFiles.write(String(limits.maxProcesses), to: directory + "/pids.max")
            try CgroupFiles.write("\(Int(limits.cpuCores * 100_000)) 100000", to: directory + "/cpu.max")
            return LimitCell(mechanism: mechanism, limits: limits, cgroupDirectories: [directory])
        case .cgroupV1(let memory, let pids, let cpu):
            let directories = [memory, pids, cpu].map { $0 + "/" + name }
            for directory in directories { try CgroupFiles.makeDirectory(directory) }
            try CgroupFiles.write(String(limits.memoryBytes), to: directories[0] + "/memory.limit_in_bytes")
            // With swap accounting, swap counts too: the limit is a limit, not a hint to start swapping.
            try? CgroupFiles.write(String(limits.memoryBytes), to: directories[0] + "/memory.memsw.limit_in_bytes")
            try CgroupFiles.write(String(limits.maxProcesses), to: directories[1] + "/pids.max")
            try CgroupFiles.write("100000", to: directories[2] + "/cpu.cfs_period_us")
            try CgroupFiles.write(String(Int(limits.cpuCores * 100_000)), to: directories[2] + "/cpu.cfs_quota_us")
            return LimitCell(mechanism: mechanism, limits: limits, cgroupDirectories: directories)
        case .rlimits, .unavailable:
            return LimitCell(mechanism: mechanism, limits: limits, cgroupDirectories: [])
        }
    }

    /// How many processes of the cell the kernel killed for exceeding its memory limit.
    public var outOfMemoryKills: Int {
        switch mechanism {
        case .cgroupV2: CgroupFiles.counter("oom_kill", in: cgroupDirectories[0] + "/memory.events")
        case .cgroupV1: CgroupFiles.counter("oom_kill", in: cgroupDirectories[0] + "/memory.oom_control")
        case .rlimits, .unavailable: 0
        }
    }

    /// Removes the cell's directories once its processes are gone (retries briefly while the kernel finishes exits).
    public func remove() async {
        for directory in cgroupDirectories.reversed() {
            for _ in 0..<50 {
                if rmdir(directory) == 0 || errno == ENOENT { break }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// The command prefix that puts the process into the cell before it execs the rest: a shell line for
    /// cgroups (`echo $$ > …/cgroup.procs`), `prlimit …` arguments for rlimits.
    var joinScript: String {
        cgroupDirectories.map { "echo $$ > \(ShellQuote.quote($0 + "/cgroup.procs"))" }.joined(separator: " && ")
    }

    var prlimitArguments: [String]? {
        guard case .rlimits(let prlimit) = mechanism else { return nil }
        return [prlimit, "--as=\(limits.memoryBytes)", "--nproc=\(limits.maxProcesses)", "--"]
    }
}

enum CgroupFiles {
    static func makeDirectory(_ path: String) throws(SandboxError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw SandboxError("cannot create cgroup \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func write(_ value: String, to path: String) throws(SandboxError) {
        do {
            try value.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw SandboxError("cannot write \(value) to \(path): \(error.localizedDescription)")
        }
    }

    /// `key N` from a flat keyed file (memory.events, memory.oom_control).
    static func counter(_ key: String, in path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == key { return Int(fields[1]) ?? 0 }
        }
        return 0
    }
}

/// cgroup v2: usable when a cgroup2 mount lists memory, pids and cpu as available and the root lets Slipway
/// enable them for its own subtree.
enum CgroupV2 {
    static func prepare(tag: String) -> String? {
        for root in ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"] {
            guard let controllers = try? String(contentsOfFile: root + "/cgroup.controllers", encoding: .utf8) else { continue }
            let available = Set(controllers.split(whereSeparator: \.isWhitespace).map(String.init))
            guard available.isSuperset(of: ["memory", "pids", "cpu"]) else { continue }
            let base = root + "/" + tag
            do throws(SandboxError) {
                try CgroupFiles.write("+memory +pids +cpu", to: root + "/cgroup.subtree_control")
                try CgroupFiles.makeDirectory(base)
                try CgroupFiles.write("+memory +pids +cpu", to: base + "/cgroup.subtree_control")
                return base
            } catch {
                continue
            }
        }
        return nil
    }
}

/// cgroup v1: the memory, pids and cpu hierarchies mounted writable.
enum CgroupV1 {
    static func prepare(tag: String) -> (memory: String, pids: String, cpu: String)? {
        let roots = ["memory", "pids", "cpu"].map { "/sys/fs/cgroup/" + $0 }
        var bases: [String] = []
        for root in roots {
            guard FileManager.default.fileExists(atPath: root + "/cgroup.procs") else { return nil }
            let base = root + "/" + tag
            do throws(SandboxError) {
                try CgroupFiles.makeDirectory(base)
            } catch {
                return nil
            }
            bases.append(base)
        }
        // Children must be accounted to the hierarchy (older kernels default use_hierarchy to 0).
        try? CgroupFiles.write("1", to: bases[0] + "/memory.use_hierarchy")
        return (bases[0], bases[1], bases[2])
    }
}
