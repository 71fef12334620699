import Foundation

/// The programs the sandbox is built from, found once at start-up.
public struct SandboxTools: Sendable, Equatable {
    /// bubblewrap: mount, PID, IPC, UTS (and network) namespaces, read-only system, `--die-with-parent`.
    public var bwrap: String
    /// util-linux `setpriv`: drops to the sandbox's uid/gid with no supplementary groups and no new privileges.
    public var setpriv: String
    /// util-linux `unshare` and `mount`, for overlay trees (bubblewrap 0.8 has no `--overlay`).
    public var unshare: String?
    public var mount: String?
    /// coreutils `env`, for `--default-signal` (coreutils 8.31 or later).
    public var env: String

    public init(bwrap: String, setpriv: String, unshare: String?, mount: String?, env: String = "/usr/bin/env") {
        self.bwrap = bwrap
        self.setpriv = setpriv
        self.env = env
        self.unshare = unshare
        self.mount = mount
    }

    static let searchPath = ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/usr/local/bin/"]

    static func find(_ name: String) -> String? {
        searchPath.map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The tools, or an error that says how to install what is missing.
    public static func locate() throws(SandboxError) -> SandboxTools {
        guard let bwrap = find("bwrap") else {
            throw SandboxError("bubblewrap (bwrap) is not installed; install it with `apt-get install bubblewrap`")
        }
        guard let setpriv = find("setpriv") else {
            throw SandboxError("setpriv is not installed; install it with `apt-get install util-linux`")
        }
        guard let env = find("env") else { throw SandboxError("env is not installed; install it with `apt-get install coreutils`") }
        return SandboxTools(bwrap: bwrap, setpriv: setpriv, unshare: find("unshare"), mount: find("mount"), env: env)
    }
}
