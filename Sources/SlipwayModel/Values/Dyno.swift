import Foundation

/// The lifecycle of a dyno.
public enum DynoState: String, Sendable, Codable, CaseIterable {
    case starting, up, crashed, stopped
}

/// One supervised process group running one process type of one release.
///
/// Dynos are recorded so that a new `serve` after a crash can find and kill the process groups of the old
/// instance (`pgid`) before starting the current release again.
public struct Dyno: Sendable, Codable, Equatable, Identifiable {
    /// Assigned by the store; two dynos named `web.1` of different releases coexist during a deploy.
    public var id: Int64
    public var app: ResourceName
    public var releaseVersion: Int
    /// `web.1`, `worker.2`.
    public var name: String
    public var processType: String
    public var pid: Int32?
    public var pgid: Int32?
    public var port: Int?
    public var state: DynoState
    public var startedAt: Date
    public var updatedAt: Date

    public init(
        id: Int64 = 0,
        app: ResourceName,
        releaseVersion: Int,
        name: String,
        processType: String,
        pid: Int32? = nil,
        pgid: Int32? = nil,
        port: Int? = nil,
        state: DynoState = .starting,
        startedAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.app = app
        self.releaseVersion = releaseVersion
        self.name = name
        self.processType = processType
        self.pid = pid
        self.pgid = pgid
        self.port = port
        self.state = state
        self.startedAt = startedAt
        self.updatedAt = updatedAt
    }
}
