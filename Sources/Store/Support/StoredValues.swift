import Foundation
import SlipwayModel

/// Turns a name read from the database back into a `ResourceName`. A stored name is valid by construction;
/// one that is not means the database was edited by hand.
func storedName(_ raw: String) throws -> ResourceName {
    do {
        return try ResourceName(raw)
    } catch {
        throw StoreError(.database, "the database holds an invalid name (was it edited by hand?): \(error.message)")
    }
}

/// Parses a stored enum value, with the same reasoning as `storedName`.
func storedEnum<E: RawRepresentable>(_ raw: String, _ type: E.Type) throws -> E where E.RawValue == String {
    guard let value = E(rawValue: raw) else {
        throw StoreError(.database, "the database holds an unknown \(E.self) '\(raw)' (was it written by a newer Slipway?)")
    }
    return value
}

extension ForkApproval {
    /// The approval held in a pull request's three `approved_*` columns; nil unless all three are set.
    static func stored(head: String?, by: String?, at milliseconds: Int64?) -> ForkApproval? {
        guard let head, let by, let milliseconds else { return nil }
        return ForkApproval(headCommit: head, approvedBy: by, approvedAt: Date(storeMilliseconds: milliseconds))
    }
}
