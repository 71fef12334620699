import SlipwayModel
import Store

/// One process type of an app's formation.
public struct FormationResource: Codable, Sendable, Equatable {
    public var type: String
    public var quantity: Int
    public var size: String

    init(_ entry: FormationEntry) {
        type = entry.processType
        quantity = entry.quantity
        size = entry.size
    }
}
