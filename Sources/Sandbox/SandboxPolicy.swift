/// Who a sandboxed process runs as: an unprivileged uid and gid, never 0 and never the service's own.
public struct SandboxIdentity: Sendable, Equatable, Hashable {
    public var uid: UInt32
    public var gid: UInt32

    public init(uid: UInt32, gid: UInt32? = nil) {
        self.uid = uid
        self.gid = gid ?? uid
    }

    /// The user name in the synthesized `/etc/passwd`.
    public var userName: String { "u\(uid)" }
    /// `HOME` inside the sandbox.
    public var homeDirectory: String { "/home/\(userName)" }
}

/// The tree repository code sees at `/app`.
public enum SandboxTree: Sendable, Equatable {
    /// A directory bound at `/app`, writable or read-only.
    case directory(String, writable: Bool)
    /// A read-only lower tree with a private writable layer (overlayfs), mounted at `/app`. `mountPoint` is an
    /// empty host directory the overlay is mounted on inside a private mount namespace (never visible outside it).
    case overlay(OverlayLayers)

    /// The host directory whose contents the sandbox sees at `/app` (for the unsandboxed mode: the real path).
    public var hostPath: String {
        switch self {
        case .directory(let path, _): path
        case .overlay(let layers): layers.mountPoint
        }
    }
}

/// The directories of one overlay mount.
public struct OverlayLayers: Sendable, Equatable {
    public var lower: String
    public var upper: String
    public var work: String
    public var mountPoint: String

    public init(lower: String, upper: String, work: String, mountPoint: String) {
        self.lower = lower
        self.upper = upper
        self.work = work
        self.mountPoint = mountPoint
    }

    /// overlayfs takes its layers as a comma-separated option string.
    var mountOptions: String { "lowerdir=\(lower),upperdir=\(upper),workdir=\(work)" }
}

/// app.json `slipway.sandbox.network` (SPEC §7).
public enum SandboxNetwork: String, Sendable, Equatable, CaseIterable {
    /// The host's network (the router must reach dynos, tests reach databases).
    case shared
    /// A private network namespace with only a loopback interface.
    case none
}

/// Everything the launcher needs to know about one process's sandbox.
public struct SandboxPolicy: Sendable, Equatable {
    /// The in-sandbox path of the tree.
    public static let appPath = "/app"

    public var identity: SandboxIdentity
    public var tree: SandboxTree
    /// A host directory that becomes `HOME`; nil: a private empty one.
    public var home: String?
    /// A host directory that becomes `/tmp` (and `TMPDIR`); nil: a private empty one.
    public var temporary: String?
    /// Further host paths bound read-write at the same path (a test batch's reports directory).
    public var writable: [String]
    /// Host paths covered by an empty tmpfs (the data dir), whatever else is bound.
    public var hidden: [String]
    public var network: SandboxNetwork
    /// The limits cell the process joins (memory, processes, CPU); nil: none.
    public var limits: LimitCell?

    public init(identity: SandboxIdentity, tree: SandboxTree, home: String? = nil, temporary: String? = nil,
                writable: [String] = [], hidden: [String] = [], network: SandboxNetwork = .shared,
                limits: LimitCell? = nil) {
        self.identity = identity
        self.tree = tree
        self.home = home
        self.temporary = temporary
        self.writable = writable
        self.hidden = hidden
        self.network = network
        self.limits = limits
    }
}

extension SandboxIdentity {
    /// The service's superuser, for handing files back (never a sandbox's identity: the launcher refuses it).
    public static let root = SandboxIdentity(uid: 0, gid: 0)
}
