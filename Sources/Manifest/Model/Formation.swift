/// How many dynos of one process type to run, and their size (app.json `formation.<type>`).
public struct FormationDeclaration: Sendable, Equatable {
    public var processType: String
    /// `nil` when app.json names the type without a quantity (Heroku then uses 1 for `web`, 0 otherwise).
    public var quantity: Int?
    /// Heroku's dyno size name as written (`basic`, `standard-1x`, …); Slipway records it but runs every dyno the same.
    public var size: String?

    public init(processType: String, quantity: Int? = nil, size: String? = nil) {
        self.processType = processType
        self.quantity = quantity
        self.size = size
    }
}

/// app.json `formation`, in file order.
public struct Formation: Sendable, Equatable {
    /// Heroku CI's ceiling on parallel test dynos, which Slipway keeps: `formation.test.quantity` is 1...32.
    public static let testWorkerRange = 1...32

    public var entries: [FormationDeclaration]

    public init(_ entries: [FormationDeclaration] = []) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    public subscript(processType: String) -> FormationDeclaration? {
        entries.last { $0.processType == processType }
    }

    /// The quantity Heroku uses when none is given: one `web` dyno, no dynos of other types.
    public static func defaultQuantity(for processType: String) -> Int {
        processType == "web" ? 1 : 0
    }
}
