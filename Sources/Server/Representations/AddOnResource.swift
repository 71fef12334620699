import AddOns

/// An app's add-on as the API lists it; `url` is masked (`••••` for the password) unless revealed.
public struct AddOnResource: Codable, Sendable, Equatable {
    /// `heroku-postgresql` or `heroku-redis`.
    public var service: String
    /// The database, role or Redis user's name.
    public var resource: String
    /// `available`, or `incomplete` (half made by a crash; the next deploy completes it).
    public var state: String
    public var url: String

    init(_ status: AddOnStatus, reveal: Bool) {
        service = status.kind.rawValue
        resource = status.resource
        state = status.state.rawValue
        url = reveal ? status.url : status.maskedURL
    }
}
