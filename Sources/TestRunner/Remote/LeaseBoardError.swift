/// Why a lease ended.
public enum LeaseEnd: String, Sendable, Equatable {
    /// The run has no more work for the slot (or stopped).
    case done
    /// The worker missed two heartbeat intervals.
    case expired
    /// The worker handed it back.
    case released
    /// The worker's token was revoked.
    case revoked
}

/// What the lease routes answer besides success; the controller maps each to its HTTP status.
public enum LeaseBoardError: Error, Sendable, Equatable {
    /// No such worker, or it registered with another token (404).
    case unknownWorker
    /// No such lease, or another token's (404).
    case unknownLease
    /// No tree with that id is offered (404).
    case unknownTree
    /// The lease ended (410 Gone): a late call after expiry, release or revocation.
    case gone(LeaseEnd)
    /// The call does not fit the lease's state (409).
    case conflict(String)
    /// A field of the body is wrong (422).
    case invalid(String, String)
}
