/// The result of `slipway manifest check`: what the app runs and the config it receives in a context.
///
/// Encodes to exactly the shape the CLI promises with `--json`:
/// `{"processTypes": [..], "formation": {"web": {"quantity": 1, "size": null}}, "scripts": {..},
///   "env": {"KEY": {"value": "...", "source": "pipeline", "required": true}}, "warnings": [..], "errors": [..]}`.
public struct ManifestReport: Sendable, Equatable, Encodable {
    /// Shown instead of a value whose source is `generated` or `pipeline`, unless revealed.
    public static let mask = "••••"

    /// One process type's dyno count and size.
    public struct FormationValue: Sendable, Equatable, Encodable {
        public var quantity: Int
        public var size: String?

        public init(quantity: Int, size: String?) {
            self.quantity = quantity
            self.size = size
        }

        private enum CodingKeys: String, CodingKey { case quantity, size }

        /// `size` is always present, `null` when unset.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(size, forKey: .size)
        }
    }

    /// One resolved config var, possibly masked.
    public struct EnvValue: Sendable, Equatable, Encodable {
        public var value: String
        public var source: ConfigSource
        public var required: Bool

        public init(value: String, source: ConfigSource, required: Bool) {
            self.value = value
            self.source = source
            self.required = required
        }
    }

    public var processTypes: [String]
    public var formation: [String: FormationValue]
    /// Script name → command (`dokku.predeploy` for Dokku's nested scripts).
    public var scripts: [String: String]
    public var env: [String: EnvValue]
    public var warnings: [String]
    public var errors: [String]

    // Not encoded: details for the text report.
    public var context: ManifestContext
    /// Formation and script names in file order (the dictionaries above are unordered).
    public var formationOrder: [String]
    public var scriptOrder: [String]
    /// app.json descriptions of config vars.
    public var descriptions: [String: String]

    public var isValid: Bool { errors.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case processTypes, formation, scripts, env, warnings, errors
    }
}
