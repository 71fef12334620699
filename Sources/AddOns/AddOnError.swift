/// Why an add-on could not be provisioned, listed or dropped. The message names the add-on and what to do; it never
/// holds a password or a URL with credentials (server errors are reduced to the server's own message).
public struct AddOnError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String { case serverUnavailable, serverSetup, provisioning, invalidName, invalidURL, exhausted }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The add-on server cannot be reached or did not start (down, port taken, disk full).
        public static let serverUnavailable = Code(.serverUnavailable)
        /// A managed server could not be set up (`initdb`, binaries missing, data dir not writable).
        public static let serverSetup = Code(.serverSetup)
        /// The server refused a statement while creating or dropping an app's database, role or user.
        public static let provisioning = Code(.provisioning)
        /// An app or test-run name that cannot name a database.
        public static let invalidName = Code(.invalidName)
        /// An `--addons-postgres` / `--addons-redis` URL that cannot be used.
        public static let invalidURL = Code(.invalidURL)
        /// No Redis logical database is free.
        public static let exhausted = Code(.exhausted)

        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
