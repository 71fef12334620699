/// A failure of the store, with a message a user can act on.
///
/// `code` says what kind of failure it is, so callers map it to a response (404 for `notFound`, 409 for
/// `alreadyExists` and `conflict`, 422 for `invalidName` and `invalidValue`) without parsing messages.
/// Messages name the resource and the field at fault; they never contain a token, a token's hash, a config
/// var's value or a generated secret.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. A struct over a private enum, so codes can be added without breaking
    /// callers that switch with a `default`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case notFound, alreadyExists, conflict, invalidName, invalidValue, incompatibleSchema, database
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The named pipeline, app, release, build, test run, token or dyno does not exist.
        public static let notFound = Code(.notFound)
        /// Something with that name or id exists already.
        public static let alreadyExists = Code(.alreadyExists)
        /// The change contradicts what is stored (for example deleting a pipeline that still has apps).
        public static let conflict = Code(.conflict)
        /// A pipeline, app or token name breaks the naming rule (`[a-z][a-z0-9-]{0,29}`).
        public static let invalidName = Code(.invalidName)
        /// A field's value is out of range or inconsistent with another field.
        public static let invalidValue = Code(.invalidValue)
        /// The database was written by a newer Slipway (it has migrations this build does not know).
        public static let incompatibleSchema = Code(.incompatibleSchema)
        /// The database failed: SQLite or the file system under it, or the PostgreSQL server or the way to it.
        public static let database = Code(.database)

        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var message: String
    /// The input field at fault (`workers`, `config.FOO`, `formation.web.quantity`), when one is; the API
    /// reports it with a 422.
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { message }

    /// Revoking the last active admin token would leave the service with no token that can make another.
    package static func lastAdminToken(_ name: ResourceName) -> StoreError {
        StoreError(.conflict, "token '\(name)' is the last admin token: create another admin token before revoking it")
    }

    package static func notFound(_ what: String) -> StoreError {
        StoreError(.notFound, "\(what) not found")
    }

    package static func alreadyExists(_ what: String) -> StoreError {
        StoreError(.alreadyExists, "\(what) already exists")
    }

    package static func invalidValue(_ field: String, _ problem: String) -> StoreError {
        StoreError(.invalidValue, "\(field): \(problem)", field: field)
    }
}
