import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import Testing

/// The read-only routes over what CI, the gate and review apps recorded: builds, test runs, checks,
/// gate decisions and review apps.
@Suite struct RecordViewsTests {
    @Test func testRunsListSummariesAndShowShardsAndFileResults() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            let fixture = try await RecordViewsFixture.seed(service.store)

            let all = try await client.api(.get, "/api/v1/pipelines/shop/test-runs", token: token)
            #expect(all.status == .ok)
            let runs = try all.decode([TestRunResource].self)
            #expect(runs.map(\.id) == [fixture.pendingRun.id, fixture.finishedRun.id])
            #expect(runs.allSatisfy { $0.shards == nil && $0.fileResults == nil }, "a listing carries summaries only")
            let counts = try #require(runs.last?.counts)
            #expect(counts.files == 3 && counts.passed == 1 && counts.failed == 1 && counts.flaky == 1)

            let seven = try await client.api(.get, "/api/v1/pipelines/shop/test-runs?pr=7", token: token).decode([TestRunResource].self)
            #expect(seven.map(\.id) == [fixture.finishedRun.id])
            #expect(try await client.api(.get, "/api/v1/pipelines/shop/test-runs?pr=8", token: token).decode([TestRunResource].self).isEmpty)
            let limited = try await client.api(.get, "/api/v1/pipelines/shop/test-runs?limit=1", token: token).decode([TestRunResource].self)
            #expect(limited.map(\.id) == [fixture.pendingRun.id])

            let shown = try await client.api(.get, "/api/v1/test-runs/\(fixture.finishedRun.id)", token: token)
            #expect(shown.status == .ok)
            let run = try shown.decode(TestRunResource.self)
            #expect(run.state == "failed" && run.prNumber == 7 && run.commit == RecordViewsFixture.sha && run.workers == 2)
            #expect(run.split == "timings" && run.wallTimeSeconds == 3.25 && run.message == "1 file failed")
            #expect(run.shards?.map(\.index) == [0, 1], "shards in worker order")
            #expect(run.shards?.last?.outputTail == "boom")
            #expect(run.shards?.first?.files == ["a_test.sh", "b_test.sh"])
            #expect(run.fileResults?.map(\.path) == ["a_test.sh", "b_test.sh", "c_test.sh"])
            #expect(run.fileResults?.map(\.status) == ["passed", "flaky", "failed"])
            #expect(run.fileResults?[1].attempts == 2)
            #expect(run.fileResults?[2].failure == "exit 1\nexpected 2")
            // The id is matched however the caller cased it.
            #expect(try await client.api(.get, "/api/v1/test-runs/\(fixture.finishedRun.id.uppercased())", token: token).status == .ok)
        }
    }

    @Test func checksLatestPerContextAndHistory() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            _ = try await RecordViewsFixture.seed(service.store)
            let path = "/api/v1/pipelines/shop/commits/\(RecordViewsFixture.sha)/checks"

            let latest = try await client.api(.get, path, token: token).decode([CheckResource].self)
            #expect(latest.map(\.context) == ["ci", "lint"])
            #expect(latest.map(\.state) == ["success", "failure"])
            #expect(latest.first?.targetURL?.hasPrefix("http://127.0.0.1:5100/test-runs/") == true)

            let history = try await client.api(.get, path + "?history=true", token: token).decode([CheckResource].self)
            #expect(history.map { "\($0.context):\($0.state)" } == ["ci:pending", "lint:failure", "ci:success"])
            #expect(try await client.api(.get, path + "?history=false", token: token).decode([CheckResource].self) == latest)

            // Upper-case hex is the same commit; a commit with no checks has an empty list.
            let upper = try await client.api(.get, "/api/v1/pipelines/shop/commits/\(RecordViewsFixture.sha.uppercased())/checks", token: token)
            #expect(try upper.decode([CheckResource].self) == latest)
            let none = try await client.api(.get, "/api/v1/pipelines/shop/commits/\(RecordViewsFixture.otherSHA)/checks", token: token)
            #expect(try none.decode([CheckResource].self).isEmpty)
        }
    }

    @Test func gateDecisionsNewestFirstAndByPullRequest() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            _ = try await RecordViewsFixture.seed(service.store)
            let all = try await client.api(.get, "/api/v1/pipelines/shop/gate-decisions", token: token).decode([GateDecisionResource].self)
            #expect(all.map(\.reason) == ["all checks passed", "check ci failed", "conflicts: a.txt"])
            #expect(all.map(\.verdict) == ["merged", "refused", "refused"])
            #expect(all.first?.mergeCommit == RecordViewsFixture.otherSHA)
            let nine = try await client.api(.get, "/api/v1/pipelines/shop/gate-decisions?pr=9", token: token).decode([GateDecisionResource].self)
            #expect(nine.map(\.prNumber) == [9])
            #expect(nine.first?.mergeCommit == nil)
            let one = try await client.api(.get, "/api/v1/pipelines/shop/gate-decisions?pr=7&limit=1", token: token).decode([GateDecisionResource].self)
            #expect(one.map(\.verdict) == ["merged"])
        }
    }

    @Test func reviewAppsLiveByDefaultAllWithTheFlag() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            _ = try await RecordViewsFixture.seed(service.store)

            let live = try await client.api(.get, "/api/v1/pipelines/shop/review-apps", token: token).decode([ReviewAppResource].self)
            #expect(live.map(\.app) == ["shop-pr-7", "shop-pr-9"], "the staging app and the destroyed review app are left out")
            let seven = try #require(live.first)
            #expect(seven.prNumber == 7 && seven.branch == "feature/cart" && seven.state == "deployed")
            #expect(seven.urlHost == "pr-7.shop.localhost")
            #expect(seven.url == nil, "without a router there is no port to name")
            #expect(seven.lastDeployedAt == Date(timeIntervalSince1970: 1_790_000_000))
            #expect(seven.mergeCommit == RecordViewsFixture.otherSHA && !seven.fromFork)
            #expect(live.last?.fromFork == true && live.last?.state == "creating")

            let all = try await client.api(.get, "/api/v1/pipelines/shop/review-apps?all=true", token: token).decode([ReviewAppResource].self)
            #expect(all.map(\.prNumber) == [5, 7, 9])
            #expect(all.first?.state == "destroyed")

            let destroyed = try await client.api(.get, "/api/v1/review-apps/shop-pr-5", token: token)
            #expect(destroyed.status == .ok)
            #expect(try destroyed.decode(ReviewAppResource.self).state == "destroyed")
            let staging = try await client.api(.get, "/api/v1/review-apps/shop-staging", token: token)
            #expect(staging.status == .notFound)
            #expect(staging.error?.message.contains("not a review app") == true)

            _ = try await service.store.createPipeline(Pipeline(name: try ResourceName("empty"), repository: "/srv/git/empty"))
            #expect(try await client.api(.get, "/api/v1/pipelines/empty/review-apps", token: token).decode([ReviewAppResource].self).isEmpty)
        }
    }

    @Test func buildsNewestFirstAndOne() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            _ = try await RecordViewsFixture.seed(service.store)
            _ = try await service.store.createBuildIfAbsent(Build(
                id: "ffeeddccbbaa998877665544", source: .directory(digest: "d1g3st"), directory: "/data/builds/ffeeddccbbaa998877665544",
                state: .failed, outputTail: "npm ERR!", createdAt: Date().addingTimeInterval(60)))

            let builds = try await client.api(.get, "/api/v1/builds", token: token).decode([BuildResource].self)
            #expect(builds.map(\.id) == ["ffeeddccbbaa998877665544", RecordViewsFixture.buildID])
            #expect(builds.first?.sourceType == "directory" && builds.first?.source == "d1g3st" && builds.first?.state == "failed")
            #expect(try await client.api(.get, "/api/v1/builds?limit=1", token: token).decode([BuildResource].self).count == 1)

            let one = try await client.api(.get, "/api/v1/builds/\(RecordViewsFixture.buildID)", token: token).decode(BuildResource.self)
            #expect(one.sourceType == "commit" && one.source == RecordViewsFixture.sha)
            #expect(one.outputTail == "compiled 3 files" && one.state == "succeeded")
        }
    }

    /// Unknown pipelines and ids are 404; malformed query values and ids are 422 naming the parameter;
    /// nothing is answered without a token.
    @Test func unknownIsNotFoundMalformedIs422AndNoTokenIs401() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            _ = try await RecordViewsFixture.seed(service.store)
            let sha = RecordViewsFixture.sha
            let unknownRun = UUID().uuidString.lowercased()
            let cases: [(String, HTTPResponse.Status, String?)] = [
                ("/api/v1/pipelines/nope/test-runs", .notFound, nil),
                ("/api/v1/pipelines/nope/commits/\(sha)/checks", .notFound, nil),
                ("/api/v1/pipelines/nope/gate-decisions", .notFound, nil),
                ("/api/v1/pipelines/nope/review-apps", .notFound, nil),
                ("/api/v1/test-runs/\(unknownRun)", .notFound, nil),
                ("/api/v1/builds/0000000000000000000000ff", .notFound, nil),
                ("/api/v1/review-apps/nope", .notFound, nil),
                ("/api/v1/pipelines/shop/test-runs?pr=abc", .unprocessableContent, "pr"),
                ("/api/v1/pipelines/shop/test-runs?pr=0", .unprocessableContent, "pr"),
                ("/api/v1/pipelines/shop/test-runs?pr=-3", .unprocessableContent, "pr"),
                ("/api/v1/pipelines/shop/test-runs?pr=", .unprocessableContent, "pr"),
                ("/api/v1/pipelines/shop/test-runs?limit=0", .unprocessableContent, "limit"),
                ("/api/v1/pipelines/shop/test-runs?limit=1001", .unprocessableContent, "limit"),
                ("/api/v1/pipelines/shop/test-runs?limit=ten", .unprocessableContent, "limit"),
                ("/api/v1/pipelines/shop/gate-decisions?pr=seven", .unprocessableContent, "pr"),
                ("/api/v1/pipelines/shop/gate-decisions?limit=-1", .unprocessableContent, "limit"),
                ("/api/v1/pipelines/shop/review-apps?all=yes", .unprocessableContent, "all"),
                ("/api/v1/pipelines/shop/commits/\(sha)/checks?history=1", .unprocessableContent, "history"),
                ("/api/v1/pipelines/shop/commits/abc123/checks", .unprocessableContent, "sha"),
                ("/api/v1/pipelines/shop/commits/\(sha)0/checks", .unprocessableContent, "sha"),
                ("/api/v1/pipelines/shop/commits/\(String(repeating: "g", count: 40))/checks", .unprocessableContent, "sha"),
                ("/api/v1/pipelines/shop/commits/HEAD/checks", .unprocessableContent, "sha"),
                ("/api/v1/pipelines/UPPER/test-runs", .unprocessableContent, "name"),
                ("/api/v1/pipelines/a..b/review-apps", .unprocessableContent, "name"),
                ("/api/v1/test-runs/not-a-uuid", .unprocessableContent, "id"),
                ("/api/v1/test-runs/..", .unprocessableContent, "id"),
                ("/api/v1/builds/a.b", .unprocessableContent, "id"),
                ("/api/v1/builds?limit=0", .unprocessableContent, "limit"),
                ("/api/v1/review-apps/..", .unprocessableContent, "app"),
                ("/api/v1/review-apps/shop%2Fpr-7", .unprocessableContent, "app"),
            ]
            for (path, status, field) in cases {
                let response = try await client.api(.get, path, token: token)
                #expect(response.status == status, "\(path): \(response.text)")
                #expect(response.error?.message.isEmpty == false, "\(path): not a JSON error: \(response.text)")
                if let field { #expect(response.error?.field == field, "\(path): \(response.text)") }
                if status == .notFound { #expect(response.error?.id == "not_found", "\(path)") }
            }

            let protected = [
                "/api/v1/builds", "/api/v1/builds/\(RecordViewsFixture.buildID)", "/api/v1/pipelines/shop/test-runs",
                "/api/v1/test-runs/\(unknownRun)", "/api/v1/pipelines/shop/commits/\(sha)/checks",
                "/api/v1/pipelines/shop/gate-decisions", "/api/v1/pipelines/shop/review-apps", "/api/v1/review-apps/shop-pr-7",
            ]
            for path in protected {
                let missing = try await client.api(.get, path, token: nil)
                #expect(missing.status == .unauthorized, "\(path)")
                #expect(missing.error?.id == "unauthorized", "\(path)")
                let wrong = try await client.api(.get, path, token: "slw_wrong")
                #expect(wrong.status == .unauthorized, "\(path)")
                #expect(!wrong.text.contains("feature/cart") && !wrong.text.contains("pr-7"), "\(path) leaked data without a token")
            }
        }
    }
}
