import Foundation
import Processes

/// The command line of one sandboxed process:
///
///     [unshare --mount …] sh -c 'trap "" TERM && [join cgroup &&] [mount overlay &&] exec "$@"'
///     bwrap <namespaces> <read-only system> <private /tmp, HOME, /proc, /dev> <synthesized passwd>
///           <data dir hidden> <tree at /app> --chdir /app --
///     setpriv --reuid U --regid G --clear-groups --no-new-privs env --default-signal=TERM [prlimit …]
///           /bin/sh -c 'trap "exit 143" TERM; COMMAND'
///
/// bubblewrap runs as root (the service) to set up mounts, then setpriv drops to the sandbox's identity for good.
/// The new root is an empty tmpfs with only the system directories bound read-only into it, so nothing of the
/// host's own trees (homes, `/root`, `/srv`, the data dir, other checkouts) exists inside.
struct BubblewrapCommand {
    let setup: SandboxSetup
    let policy: SandboxPolicy

    /// Bound read-only (or recreated as the same symbolic link) when they exist.
    static let systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"]

    func process(command: String, environment: [String: String], outputPath: String?) throws(SandboxError) -> ProcessSpec {
        let identity = policy.identity
        guard identity.uid != 0, identity.uid != geteuid(), identity.gid != 0 else {
            throw SandboxError("refusing to sandbox as uid \(identity.uid): it must be neither 0 nor the service's own")
        }
        let files = try setup.identityFiles(for: identity)
        var bwrap = [setup.tools.bwrap, "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                     "--hostname", "slipway"]
        if policy.network == .none { bwrap.append("--unshare-net") }
        for directory in Self.systemDirectories {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory) {
                bwrap += ["--symlink", target, directory]
            } else if FileManager.default.fileExists(atPath: directory) {
                bwrap += ["--ro-bind", directory, directory]
            }
        }
        bwrap += ["--proc", "/proc", "--dev", "/dev",
                  "--ro-bind", files.passwd, "/etc/passwd", "--ro-bind", files.group, "/etc/group"]
        // Hidden before anything is bound below them: bubblewrap binds from the original root, so a workspace
        // inside the data dir still appears where it is bound, and nothing else of the data dir does.
        for path in policy.hidden { bwrap += ["--tmpfs", path] }
        if let temporary = policy.temporary {
            bwrap += ["--bind", temporary, "/tmp"]
        } else {
            bwrap += ["--perms", "1777", "--tmpfs", "/tmp"]
        }
        if let home = policy.home {
            bwrap += ["--bind", home, identity.homeDirectory]
        } else {
            bwrap += ["--perms", "0777", "--tmpfs", identity.homeDirectory]
        }
        switch policy.tree {
        case .directory(let path, let writable):
            bwrap += [writable ? "--bind" : "--ro-bind", path, SandboxPolicy.appPath]
        case .overlay(let layers):
            bwrap += ["--bind", layers.mountPoint, SandboxPolicy.appPath]
        }
        for path in policy.writable { bwrap += ["--bind", path, path] }
        bwrap += ["--chdir", SandboxPolicy.appPath, "--"]

        // SIGTERM (a dyno's stop, a run's end) goes to the whole process group. bubblewrap's own processes ignore
        // it (set below, kept across exec), or the namespace would die with them at once; the command gets the
        // default back from `env --default-signal` and has its grace period to finish, as on Heroku.
        // The command's shell is bubblewrap's first process in the PID namespace: when it exits, bubblewrap's init
        // exits and the kernel SIGKILLs everything left inside. dash does not exec a `-c` command's last program
        // (`web: python3 app.py` runs as the shell's child), so a shell dying of SIGTERM at once took the program
        // with it, mid-shutdown. Trapped, the signal waits until the foreground program has finished (POSIX), and
        // the shell then exits as if killed by it (143): the program gets its whole grace period.
        var inside = [setup.tools.setpriv, "--reuid=\(identity.uid)", "--regid=\(identity.gid)", "--clear-groups",
                      "--no-new-privs", setup.tools.env, "--default-signal=TERM"]
        inside += policy.limits?.prlimitArguments ?? []
        inside += ["/bin/sh", "-c", "trap 'exit 143' TERM; " + command]

        var steps = ["trap '' TERM"]
        var prefix: [String] = []
        if let limits = policy.limits, !limits.joinScript.isEmpty { steps.append(limits.joinScript) }
        if case .overlay(let layers) = policy.tree {
            guard let unshare = setup.tools.unshare, let mount = setup.tools.mount else {
                throw SandboxError("overlay trees need util-linux unshare and mount")
            }
            prefix = [unshare, "--mount", "--propagation", "private"]
            steps.append("\(mount) -t overlay slipway -o \(ShellQuote.quote(layers.mountOptions)) \(ShellQuote.quote(layers.mountPoint))")
        }
        // bubblewrap is a child of this shell, not exec'd in its place: `--die-with-parent` ties it to the
        // process that started it, and that must not be the Slipway thread that spawned the shell (the thread
        // pool retires idle threads, and the kernel then SIGKILLs bubblewrap mid-command). The shell lives exactly
        // as long as bubblewrap, and the process group's keeper kills both if Slipway itself dies.
        let argv = prefix + ["/bin/sh", "-c", steps.joined(separator: " && ") + " && \"$@\"; exit $?", "slipway-sandbox"]
            + bwrap + inside

        var granted = SandboxEnvironment.granted(environment)
        granted["HOME"] = identity.homeDirectory
        granted["TMPDIR"] = "/tmp"
        granted["PWD"] = SandboxPolicy.appPath
        granted["USER"] = identity.userName
        granted["LOGNAME"] = identity.userName
        return ProcessSpec(executable: argv[0], arguments: Array(argv.dropFirst()), environment: granted,
                           workingDirectory: "/", outputPath: outputPath)
    }
}
