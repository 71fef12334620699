/// One Dokku health check (app.json `healthchecks.<process type>[i]`), checked before a deploy takes traffic.
///
/// Dokku's keys are kept as written; Slipway's deployer uses `path`, `timeout`, `attempts`, `wait` and `type`.
public struct HealthCheck: Sendable, Equatable {
    /// When the check runs. Dokku also knows `liveness` and `readiness`; Slipway gates deploys on `startup`.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case startup
        case liveness
        case readiness
    }

    public var type: Kind
    public var name: String?
    public var description: String?
    /// HTTP path to request; a 2xx/3xx answer passes.
    public var path: String?
    /// A command to run in the container instead of an HTTP request.
    public var command: [String]?
    /// Text the HTTP answer must contain.
    public var content: String?
    /// Seconds to wait for one attempt.
    public var timeout: Int?
    /// How many times to try before the check fails.
    public var attempts: Int?
    /// Seconds between attempts.
    public var wait: Int?
    /// Seconds before the first attempt.
    public var initialDelay: Int?
    /// Seconds the process must have stayed up.
    public var uptime: Int?
    public var port: Int?
    public var scheme: String?
    /// A failing check only warns.
    public var warn: Bool?

    public init(type: Kind = .startup) {
        self.type = type
    }
}
