/// One entry of app.json `env`: a config var the app declares.
///
/// Written either as a string (`"RACK_ENV": "production"`, the value) or as an object
/// `{description, value, required, generator}`. `required` defaults to `true`, as in Heroku's schema.
public struct EnvVarSpec: Sendable, Equatable {
    /// How a value is produced when none is given.
    public enum Generator: String, Sendable, Equatable {
        /// 64 lowercase hexadecimal characters from a CSPRNG, generated once per app.
        case secret
    }

    public var name: String
    public var description: String?
    /// The default value from app.json; `nil` when none is given.
    public var value: String?
    /// Whether the app cannot start without a value (default `true`).
    public var required: Bool
    public var generator: Generator?

    public init(name: String, description: String? = nil, value: String? = nil, required: Bool = true, generator: Generator? = nil) {
        self.name = name
        self.description = description
        self.value = value
        self.required = required
        self.generator = generator
    }
}
