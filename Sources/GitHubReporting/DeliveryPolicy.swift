import Foundation
import SlipwayModel

/// What to do after one attempt: deliver, try again later (exponential backoff with jitter, or when GitHub says)
/// or give up; and whether to hold back every delivery of the pipeline for a while (a rate limit is per
/// credentials, so the next request would be refused too). Pure, so its rules are tested without a network.
public struct DeliveryPolicy: Sendable {
    /// Attempts before a delivery that keeps failing (5xx, timeouts) is given up as `failed`.
    public var maxAttempts: Int
    /// The first retry's delay; each further one doubles it, up to `maxDelay`.
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    /// How long to wait after a secondary rate limit that names no time (GitHub asks for at least a minute).
    public var secondaryRateLimitDelay: TimeInterval

    public init(maxAttempts: Int = 10, baseDelay: TimeInterval = 1, maxDelay: TimeInterval = 300,
                secondaryRateLimitDelay: TimeInterval = 60) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.secondaryRateLimitDelay = secondaryRateLimitDelay
    }

    public struct Decision: Sendable, Equatable {
        public var outcome: GitHubAttemptOutcome
        /// Send nothing more for the pipeline before this time.
        public var pauseUntil: Date?
        /// Forget the cached installation token before the retry.
        public var invalidateToken: Bool = false
    }

    /// The delay before retry number `attempts` (0-based), with "equal jitter": between half and all of the
    /// exponential delay, so many senders retrying together spread out. `jitter` is in 0...1.
    public func backoff(attempts: Int, jitter: Double) -> TimeInterval {
        let exponential = min(maxDelay, baseDelay * pow(2, Double(min(attempts, 30))))
        return exponential * (0.5 + 0.5 * min(1, max(0, jitter)))
    }

    /// The decision after GitHub answered. `attempts` counts the earlier attempts of this delivery.
    public func decide(_ answer: GitHubAnswer, attempts: Int, usesApp: Bool, now: Date, jitter: Double) -> Decision {
        let response = answer.summary
        if answer.isSuccess {
            // The last request of the window: wait for the reset before the next one.
            let pause = answer.rateLimitRemaining == 0 ? answer.rateLimitReset : nil
            return Decision(outcome: .delivered(status: answer.status, response: response, resourceID: answer.resourceID),
                            pauseUntil: pause)
        }
        if answer.status == 403 || answer.status == 429, let wait = rateLimitWait(answer, now: now) {
            return Decision(outcome: .retry(at: wait, status: answer.status, response: response), pauseUntil: wait)
        }
        if answer.status == 401, usesApp, attempts == 0 {
            // An installation token can be revoked before it expires: get a new one and try once more.
            return Decision(outcome: .retry(at: now, status: answer.status, response: response), invalidateToken: true)
        }
        if answer.status >= 500 || answer.status == 408 {
            return retryOrGiveUp(status: answer.status, response: response, attempts: attempts, now: now, jitter: jitter)
        }
        return Decision(outcome: .failed(status: answer.status, response: response))
    }

    /// The decision when no answer came (a timeout, a refused connection) or the credentials failed.
    public func decide(_ error: GitHubReportingError, attempts: Int, now: Date, jitter: Double) -> Decision {
        switch error.code {
        case .transport:
            return retryOrGiveUp(status: nil, response: error.message, attempts: attempts, now: now, jitter: jitter)
        case .credentials where (error.status ?? 0) >= 500:
            return retryOrGiveUp(status: error.status, response: error.message, attempts: attempts, now: now, jitter: jitter)
        default:
            return Decision(outcome: .failed(status: error.status, response: error.message))
        }
    }

    /// When a 403 or 429 is a rate limit, when to try again: `Retry-After`, else the primary limit's reset, else
    /// (a secondary rate limit that names no time) a minute.
    func rateLimitWait(_ answer: GitHubAnswer, now: Date) -> Date? {
        if let seconds = answer.retryAfterSeconds { return now.addingTimeInterval(TimeInterval(max(0, seconds))) }
        if answer.rateLimitRemaining == 0, let reset = answer.rateLimitReset { return max(now, reset).addingTimeInterval(1) }
        if answer.status == 429 || answer.body.lowercased().contains("secondary rate limit") {
            return now.addingTimeInterval(secondaryRateLimitDelay)
        }
        return nil
    }

    private func retryOrGiveUp(status: Int?, response: String, attempts: Int, now: Date, jitter: Double) -> Decision {
        if attempts + 1 >= maxAttempts {
            return Decision(outcome: .failed(status: status, response: "gave up after \(attempts + 1) attempts: \(response)"))
        }
        let at = now.addingTimeInterval(backoff(attempts: attempts, jitter: jitter))
        return Decision(outcome: .retry(at: at, status: status, response: response))
    }
}
