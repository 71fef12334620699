import Foundation

/// How a run of the service places its slots: `localSlots` of them here, the rest of
/// `environments.test.formation.test.quantity` on remote workers through `board`.
public struct RemoteSlots: Sendable {
    public var board: LeaseBoard
    /// At most this many of a run's slots run on this machine.
    public var localSlots: Int
    /// The content address of the tree under test (the archive workers download and cache); nil: the run's id.
    public var treeID: String?
    /// Called once when a run with no local slot starts: a worker leased its first slot. Until then the run is
    /// queued (its owner shows it so) and its timeout waits.
    public var onStart: @Sendable () async -> Void

    public init(board: LeaseBoard, localSlots: Int, treeID: String? = nil,
                onStart: @escaping @Sendable () async -> Void = {}) {
        self.board = board
        self.localSlots = localSlots
        self.treeID = treeID
        self.onStart = onStart
    }
}
