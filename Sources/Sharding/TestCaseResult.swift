/// One test case as a report (JUnit XML or TAP) describes it.
public struct TestCaseResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Equatable, Codable {
        case passed, failed, skipped
    }

    public var name: String
    public var className: String?
    /// The file the report names for this case, as written in the report (maybe absolute or `./`-prefixed).
    public var file: String?
    public var seconds: Double?
    public var outcome: Outcome
    /// The failure message and detail, when the case failed.
    public var message: String?

    public init(name: String, className: String? = nil, file: String? = nil, seconds: Double? = nil,
                outcome: Outcome, message: String? = nil) {
        self.name = name
        self.className = className
        self.file = file
        self.seconds = seconds
        self.outcome = outcome
        self.message = message
    }
}
