/// A failure of reporting to GitHub, with a message that never holds a token, a key or a JWT.
public struct GitHubReportingError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable { case credentials, transport, answer, configuration }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The credentials cannot be used (a bad key, an installation token GitHub refused to issue).
        public static let credentials = Code(.credentials)
        /// GitHub could not be reached or did not answer in time.
        public static let transport = Code(.transport)
        /// GitHub answered something unexpected.
        public static let answer = Code(.answer)
        /// The settings are incomplete or invalid.
        public static let configuration = Code(.configuration)

        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var message: String
    /// GitHub's HTTP status, when it answered.
    public var status: Int?

    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
