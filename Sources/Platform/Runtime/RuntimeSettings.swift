/// Timeouts and policies of the runtime (defaults: SPEC §6 and issue 5).
public struct RuntimeSettings: Sendable, Equatable {
    /// How long a new web dyno has to become healthy when app.json has no health checks.
    public var bootTimeout: Duration
    /// How long old web dynos may keep serving in-flight requests after the router switched.
    public var drainTimeout: Duration
    /// SIGTERM → SIGKILL grace when a dyno stops.
    public var stopGrace: Duration
    /// Longest a release phase may run.
    public var releasePhaseTimeout: Duration
    public var restartPolicy: RestartPolicy

    public init(bootTimeout: Duration = .seconds(60), drainTimeout: Duration = .seconds(30),
                stopGrace: Duration = .seconds(30), releasePhaseTimeout: Duration = .seconds(15 * 60),
                restartPolicy: RestartPolicy = RestartPolicy()) {
        self.bootTimeout = bootTimeout
        self.drainTimeout = drainTimeout
        self.stopGrace = stopGrace
        self.releasePhaseTimeout = releasePhaseTimeout
        self.restartPolicy = restartPolicy
    }
}
