import Foundation

/// Times are stored as whole milliseconds since 1970 (UTC). Every date the store writes goes through
/// `storedPrecision` first, so the value a caller gets back from a write is exactly the value a later read
/// returns, even across a restart.
extension Date {
    /// Milliseconds since 1970, rounded down.
    package var storeMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded(.down))
    }

    package init(storeMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(storeMilliseconds) / 1000)
    }

    /// This date cut to the store's precision.
    package var storedPrecision: Date { Date(storeMilliseconds: storeMilliseconds) }
}
