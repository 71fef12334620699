import Foundation
import GRDB
import SlipwayModel
@testable import Store
import Testing

/// Migration `v6-github-reporting`: a pipeline's GitHub settings and the durable outbox, on both stores.
@Suite struct GitHubOutboxStoreTests {
    static func status(_ pipeline: String, sha: String, state: String, context: String = "ci") -> GitHubDelivery {
        GitHubDelivery(pipeline: name(pipeline), kind: .commitStatus, orderingKey: sha, coalesceKey: "status:\(sha):\(context)",
                       request: GitHubRequest(method: .post, path: "/repos/o/r/statuses/\(sha)", body: #"{"state":"\#(state)"}"#))
    }

    static func makePipeline(_ store: any SlipwayStore, _ raw: String = "shop") async throws {
        _ = try await store.createPipeline(Pipeline(name: name(raw), repository: "https://github.com/octo/\(raw).git"))
    }

    @Test(arguments: StoreKind.allCases) func settingsRoundTripAndCredentialsNeverShow(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Self.makePipeline(store)
            #expect(try await store.gitHubSettings(pipeline: name("shop")) == nil)
            let app = GitHubSettings(pipeline: name("shop"), owner: "octo", repository: "shop", apiBaseURL: "https://ghe.example.com/api/v3",
                                     credentials: .app(appID: "42", installationID: 7, privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nsecret"),
                                     pullRequestComment: true, updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
            #expect(try await store.saveGitHubSettings(app) == app)
            #expect(try await store.gitHubSettings(pipeline: name("shop")) == app)
            #expect(!"\(app)".contains("secret") && !String(reflecting: app.credentials).contains("secret"))
            var token = app
            token.credentials = .token("ghp_secret_token")
            #expect(try await store.saveGitHubSettings(token).credentials == .token("ghp_secret_token"))
            #expect(!"\(token.credentials)".contains("ghp_secret_token"))
            await #expect(throws: StoreError.self) {
                var unknown = token
                unknown.pipeline = name("nope")
                _ = try await store.saveGitHubSettings(unknown)
            }
            #expect(try await store.deleteGitHubSettings(pipeline: name("shop")))
            #expect(try await !store.deleteGitHubSettings(pipeline: name("shop")))
        }
    }

    @Test(arguments: StoreKind.allCases) func waitingStatusesCoalesceAndOneShaGoesInOrder(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Self.makePipeline(store)
            let first = try await store.enqueueGitHubDelivery(Self.status("shop", sha: "aaa", state: "pending"))
            let other = try await store.enqueueGitHubDelivery(Self.status("shop", sha: "bbb", state: "pending"))
            let deploy = try await store.enqueueGitHubDelivery(GitHubDelivery(
                pipeline: name("shop"), kind: .deployment, orderingKey: "aaa", coalesceKey: nil,
                request: GitHubRequest(method: .post, path: "/repos/o/r/deployments", body: "{}")))
            // A newer status for aaa/ci replaces the waiting one; the deployment of aaa now waits behind it.
            let newest = try await store.enqueueGitHubDelivery(Self.status("shop", sha: "aaa", state: "success"))
            #expect(first.id < other.id && other.id < deploy.id && deploy.id < newest.id)
            let due = try await store.dueGitHubDeliveries(now: Date(), limit: 10)
            #expect(due.map(\.id) == [other.id, deploy.id], "the oldest pending per sha, oldest first")
            let superseded = try await store.gitHubDeliveries(pipeline: name("shop"), states: [.superseded], limit: 10)
            #expect(superseded.map(\.id) == [first.id])

            // A retry holds its sha back until it is due; other shas go on.
            let later = Date().addingTimeInterval(60)
            let retried = try await store.recordGitHubAttempt(id: deploy.id, outcome: .retry(at: later, status: 500, response: "Server Error"))
            #expect(retried.state == .pending && retried.attempts == 1 && retried.lastStatus == 500)
            #expect(try await store.dueGitHubDeliveries(now: Date(), limit: 10).map(\.id) == [other.id])
            #expect(try await store.dueGitHubDeliveries(now: later, limit: 10).map(\.id) == [other.id, deploy.id])

            _ = try await store.recordGitHubAttempt(id: deploy.id, outcome: .delivered(status: 201, response: ""))
            let failed = try await store.recordGitHubAttempt(id: other.id, outcome: .failed(status: 422, response: "Validation Failed"))
            #expect(failed.state == .failed && failed.finishedAt != nil && failed.lastResponse == "Validation Failed")
            #expect(try await store.dueGitHubDeliveries(now: later, limit: 10).map(\.id) == [newest.id])
            let listed = try await store.gitHubDeliveries(pipeline: name("shop"), states: [.failed], limit: 10)
            #expect(listed.map(\.id) == [other.id])
            #expect(try await store.gitHubDeliveries(pipeline: nil, states: nil, limit: 2).map(\.id) == [newest.id, deploy.id])
        }
    }

    @Test(arguments: StoreKind.allCases) func aSupersededDeliveryInFlightIsNotRetried(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Self.makePipeline(store)
            let sending = try await store.enqueueGitHubDelivery(Self.status("shop", sha: "aaa", state: "pending"))
            // While it is being sent, a newer status arrives; the send then times out.
            let newer = try await store.enqueueGitHubDelivery(Self.status("shop", sha: "aaa", state: "success"))
            let after = try await store.recordGitHubAttempt(id: sending.id, outcome: .retry(at: Date(), status: nil, response: "timeout"))
            #expect(after.state == .superseded, "sending it later would overtake the newer status")
            #expect(try await store.dueGitHubDeliveries(now: Date(), limit: 10).map(\.id) == [newer.id])
        }
    }

    @Test(arguments: StoreKind.allCases) func theOutboxSurvivesARestart(_ kind: StoreKind) async throws {
        try await withStoreLocation(kind) { location in
            let first = try await location.open()
            try await Self.makePipeline(first)
            var ids: [Int64] = []
            for index in 0..<5 { ids.append(try await first.enqueueGitHubDelivery(Self.status("shop", sha: "s\(index)", state: "pending")).id) }
            try await first.close()
            let second = try await location.open()
            #expect(try await second.dueGitHubDeliveries(now: Date(), limit: 50).map(\.id) == ids)
            try await second.close()
        }
    }
}
