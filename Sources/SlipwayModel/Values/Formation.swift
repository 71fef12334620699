/// How many dynos of one process type an app runs, and how big they are.
public struct FormationEntry: Sendable, Codable, Equatable {
    /// A Procfile process type (`web`, `worker`): `[A-Za-z0-9_-]+`.
    public var processType: String
    /// Dynos to run, 0 or more.
    public var quantity: Int
    /// The dyno size name (`standard-1x` by default); the runtime gives it meaning.
    public var size: String

    public init(processType: String, quantity: Int, size: String = "standard-1x") {
        self.processType = processType
        self.quantity = quantity
        self.size = size
    }
}
