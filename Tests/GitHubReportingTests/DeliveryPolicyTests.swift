import Foundation
@testable import GitHubReporting
import SlipwayModel
import Testing

/// The sender's rules for GitHub's answers: backoff with jitter, Retry-After, the primary and secondary rate
/// limits, and which refusals are final.
@Suite struct DeliveryPolicyTests {
    let policy = DeliveryPolicy(maxAttempts: 5, baseDelay: 2, maxDelay: 60, secondaryRateLimitDelay: 60)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func decide(_ status: Int, _ headers: [String: String] = [:], body: String = "{}", attempts: Int = 0, app: Bool = false) -> DeliveryPolicy.Decision {
        policy.decide(GitHubAnswer(status: status, headers: headers, body: body), attempts: attempts, usesApp: app, now: now, jitter: 1)
    }

    @Test func successIsDeliveredAndAnEmptyWindowPausesUntilItsReset() {
        #expect(decide(201).outcome == .delivered(status: 201, response: "{}"))
        #expect(decide(201).pauseUntil == nil)
        let reset = now.addingTimeInterval(900)
        let last = decide(201, ["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "\(Int(reset.timeIntervalSince1970))"])
        #expect(last.pauseUntil == reset)
    }

    @Test func retryAfterIsHonouredAndHoldsThePipelineBack() {
        let decision = decide(403, ["Retry-After": "30"], body: #"{"message":"You have exceeded a secondary rate limit"}"#)
        #expect(decision.outcome == .retry(at: now.addingTimeInterval(30), status: 403,
                                           response: "You have exceeded a secondary rate limit"))
        #expect(decision.pauseUntil == now.addingTimeInterval(30))
    }

    @Test func thePrimaryLimitWaitsForItsReset() {
        let reset = now.addingTimeInterval(120)
        let decision = decide(403, ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "\(Int(reset.timeIntervalSince1970))"],
                              body: #"{"message":"API rate limit exceeded"}"#)
        #expect(decision.outcome == .retry(at: reset.addingTimeInterval(1), status: 403, response: "API rate limit exceeded"))
    }

    @Test func aSecondaryLimitWithoutATimeWaitsAMinute() {
        let decision = decide(403, body: #"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes."}"#)
        #expect(decision.pauseUntil == now.addingTimeInterval(60))
        #expect(decide(429).pauseUntil == now.addingTimeInterval(60))
    }

    @Test func refusalsAreFinalWithGitHubsMessage() {
        let body = #"{"message":"Validation Failed","errors":[{"resource":"Status","code":"custom","field":"state","message":"state is not included in the list"}]}"#
        #expect(decide(422, body: body).outcome == .failed(status: 422, response: "Validation Failed: state is not included in the list"))
        #expect(decide(403, body: #"{"message":"Resource not accessible by integration"}"#).outcome
                == .failed(status: 403, response: "Resource not accessible by integration"))
        #expect(decide(404).outcome == .failed(status: 404, response: "{}"))
        #expect(decide(401, body: #"{"message":"Bad credentials"}"#).outcome == .failed(status: 401, response: "Bad credentials"))
    }

    @Test func anAppsRefusedTokenIsRenewedOnce() {
        let first = decide(401, body: #"{"message":"Bad credentials"}"#, attempts: 0, app: true)
        #expect(first.invalidateToken && first.outcome == .retry(at: now, status: 401, response: "Bad credentials"))
        #expect(decide(401, attempts: 1, app: true).outcome == .failed(status: 401, response: "{}"))
    }

    @Test func serverErrorsAndTimeoutsBackOffExponentiallyThenGiveUp() {
        #expect(decide(500, attempts: 0).outcome == .retry(at: now.addingTimeInterval(2), status: 500, response: "{}"))
        #expect(decide(502, attempts: 3).outcome == .retry(at: now.addingTimeInterval(16), status: 502, response: "{}"))
        guard case .failed(500, let reason) = decide(500, attempts: 4).outcome else { Issue.record("expected a failure"); return }
        #expect(reason.hasPrefix("gave up after 5 attempts"))
        let timeout = GitHubReportingError(.transport, "GitHub did not answer within 10 seconds")
        #expect(policy.decide(timeout, attempts: 0, now: now, jitter: 0).outcome
                == .retry(at: now.addingTimeInterval(1), status: nil, response: "GitHub did not answer within 10 seconds"))
        let badKey = GitHubReportingError(.credentials, "the GitHub App's private key is not an RSA private key in PEM form")
        #expect(policy.decide(badKey, attempts: 0, now: now, jitter: 0).outcome == .failed(status: nil, response: badKey.message))
    }

    @Test func jitterStaysBetweenHalfAndAllOfTheDelay() {
        for attempts in 0..<12 {
            let full = min(60, 2 * pow(2, Double(attempts)))
            #expect(policy.backoff(attempts: attempts, jitter: 0) == full / 2)
            #expect(policy.backoff(attempts: attempts, jitter: 1) == full)
        }
    }

    @Test func descriptionsAreClippedTo140Characters() {
        let long = String(repeating: "x", count: 300)
        #expect(CommitStatusBody.clipped(long).count == 140)
        #expect(CommitStatusBody.clipped("412 passed, 1 failed (tests/test_x.py)") == "412 passed, 1 failed (tests/test_x.py)")
    }

    @Test func linksAreAbsoluteUnderThePublicURL() {
        let links = DashboardLinks(publicURL: "https://ci.example.com/")
        #expect(links.absolute("/test-runs/abc") == "https://ci.example.com/test-runs/abc")
        #expect(DashboardLinks(publicURL: nil).absolute("/test-runs/abc") == nil)
    }
}

@Suite struct GitHubRepositoryNameTests {
    @Test(arguments: [
        ("https://github.com/octo/shop.git", "octo", "shop"),
        ("https://x-access-token:abc@github.com/octo/shop", "octo", "shop"),
        ("git@github.com:octo/shop.git", "octo", "shop"),
        ("ssh://git@ghe.example.com/team/my.repo.git", "team", "my.repo"),
        ("https://ghe.example.com/org/app/", "org", "app"),
    ])
    func ownerAndNameComeFromTheURL(_ url: String, _ owner: String, _ repository: String) {
        #expect(GitHubRepositoryName(repositoryURL: url) == GitHubRepositoryName(owner: owner, name: repository))
    }

    @Test(arguments: ["/srv/git/shop.git", "file:///srv/shop.git", "https://github.com/", "shop"])
    func localPathsNameNoGitHubRepository(_ url: String) {
        #expect(GitHubRepositoryName(repositoryURL: url) == nil)
    }
}
