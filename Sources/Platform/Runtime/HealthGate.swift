import Foundation
import Manifest

/// Decides when a new web dyno may take traffic.
///
/// With app.json `healthchecks.web` entries of type `startup` (Dokku's meaning): each check waits
/// `initialDelay`, then tries up to `attempts` times, `wait` seconds apart, each `GET path` answered with
/// 2xx/3xx within `timeout` (and containing `content` when given); `uptime` requires the process to have
/// stayed up that long. Without checks, Heroku's rule made stricter: the dyno must answer `GET /` with a
/// status below 500 within the boot timeout (Heroku only waits for the port to be bound).
public struct HealthGate: Sendable {
    public var checks: [HealthCheck]
    public var bootTimeout: Duration

    public init(checks: [HealthCheck], bootTimeout: Duration = .seconds(60)) {
        self.checks = checks.filter { $0.type == .startup }
        self.bootTimeout = bootTimeout
    }

    public enum Verdict: Sendable, Equatable {
        case healthy
        case unhealthy(String)
    }

    /// Waits until the dyno on `port` passes, fails, or `isRunning` says it exited.
    public func wait(port: Int, isRunning: @Sendable () async -> Bool) async -> Verdict {
        if checks.isEmpty { return await waitForFirstAnswer(port: port, isRunning: isRunning) }
        let started = ContinuousClock.now
        for (index, check) in checks.enumerated() {
            let name = check.name ?? "check \(index + 1)"
            if let delay = check.initialDelay, delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
            let attempts = max(1, check.attempts ?? 5)
            var lastProblem = "no answer"
            var passed = false
            for attemptNumber in 1...attempts {
                guard await isRunning() else { return .unhealthy("the dyno exited during health check \(name)") }
                if let problem = await tryOnce(check, port: port, started: started) {
                    lastProblem = problem
                    if attemptNumber < attempts { try? await Task.sleep(for: .seconds(max(0, check.wait ?? 5))) }
                } else {
                    passed = true
                    break
                }
            }
            if !passed { return .unhealthy("health check \(name) failed after \(attempts) attempt(s): \(lastProblem)") }
        }
        return .healthy
    }

    /// Nil when one attempt of `check` passed, else what was wrong.
    private func tryOnce(_ check: HealthCheck, port: Int, started: ContinuousClock.Instant) async -> String? {
        if let uptime = check.uptime, ContinuousClock.now - started < .seconds(uptime) {
            return "up for less than \(uptime) s"
        }
        let path = check.path.map { $0.hasPrefix("/") ? $0 : "/" + $0 } ?? "/"
        guard let answer = await HTTPProbe.get(port: check.port ?? port, path: path, timeout: .seconds(max(1, check.timeout ?? 5))) else {
            return "GET \(path): no answer"
        }
        guard (200..<400).contains(answer.status) else { return "GET \(path) answered \(answer.status)" }
        if let content = check.content, !answer.body.contains(content) {
            return "GET \(path): the answer does not contain \"\(content)\""
        }
        return nil
    }

    private func waitForFirstAnswer(port: Int, isRunning: @Sendable () async -> Bool) async -> Verdict {
        let deadline = ContinuousClock.now + bootTimeout
        var lastProblem = "no answer on port \(port)"
        while ContinuousClock.now < deadline {
            guard await isRunning() else { return .unhealthy("the dyno exited before answering on port \(port)") }
            if let answer = await HTTPProbe.get(port: port, path: "/", timeout: .seconds(2)) {
                if answer.status < 500 { return .healthy }
                lastProblem = "GET / answered \(answer.status)"
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return .unhealthy("not healthy within \(bootTimeout): \(lastProblem)")
    }
}
