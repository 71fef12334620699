import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import Testing

@Suite struct APIFlowTests {
    @Test func pipelineAppsConfigAndReleases() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            let pipeline = try await client.api(.post, "/api/v1/pipelines", token: token,
                json: #"{"name":"shop","repository":"https://git.example.com/shop.git","target_branch":"trunk"}"#)
            #expect(pipeline.status == .created)
            #expect(try pipeline.decode(PipelineResource.self).targetBranch == "trunk")

            for (name, stage) in [("shop-staging", "staging"), ("shop-prod", "production")] {
                let app = try await client.api(.post, "/api/v1/apps", token: token,
                    json: #"{"name":"\#(name)","pipeline":"shop","stage":"\#(stage)"}"#)
                #expect(app.status == .created)
            }
            #expect(try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"solo"}"#).status == .created)
            let duplicate = try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"solo"}"#)
            #expect(duplicate.status == .conflict)

            let shown = try await client.api(.get, "/api/v1/pipelines/shop", token: token).decode(PipelineResource.self)
            #expect(shown.apps?.map(\.name) == ["shop-prod", "shop-staging"])
            let apps = try await client.api(.get, "/api/v1/apps", token: token).decode([AppResource].self)
            #expect(apps.map(\.name) == ["shop-prod", "shop-staging", "solo"])

            let set = try await client.api(.patch, "/api/v1/apps/shop-staging/config-vars", token: token,
                json: #"{"DATABASE_URL":"postgres://db/shop","LOG_LEVEL":"debug"}"#)
            #expect(set.status == .ok)
            let first = try set.decode(ConfigChangeResource.self)
            #expect(first.release.version == 1)
            #expect(first.configVars == ["DATABASE_URL": "postgres://db/shop", "LOG_LEVEL": "debug"])

            let unset = try await client.api(.patch, "/api/v1/apps/shop-staging/config-vars", token: token,
                json: #"{"LOG_LEVEL":null,"WORKERS":"4"}"#)
            let second = try unset.decode(ConfigChangeResource.self)
            #expect(second.release.version == 2)
            #expect(second.release.configKeys == ["DATABASE_URL", "WORKERS"])
            #expect(!unset.text.contains("\"postgres://db/shop\",\"label\""))

            let config = try await client.api(.get, "/api/v1/apps/shop-staging/config-vars", token: token).decode([String: String].self)
            #expect(config == ["DATABASE_URL": "postgres://db/shop", "WORKERS": "4"])

            let releases = try await client.api(.get, "/api/v1/apps/shop-staging/releases", token: token).decode([ReleaseResource].self)
            #expect(releases.map(\.version) == [2, 1])
            #expect(releases.first?.description.contains("WORKERS") == true)
            let v1 = try await client.api(.get, "/api/v1/apps/shop-staging/releases/v1", token: token).decode(ReleaseResource.self)
            #expect(v1.configKeys == ["DATABASE_URL", "LOG_LEVEL"])
            #expect(try await client.api(.get, "/api/v1/apps/shop-staging/releases/9", token: token).status == .notFound)
            let limited = try await client.api(.get, "/api/v1/apps/shop-staging/releases?limit=1", token: token).decode([ReleaseResource].self)
            #expect(limited.count == 1)

            let formation = try await client.api(.patch, "/api/v1/apps/shop-staging/formation", token: token,
                json: #"{"updates":[{"type":"web","quantity":2},{"type":"worker","quantity":1,"size":"performance-m"}]}"#)
            #expect(formation.status == .ok)
            let entries = try await client.api(.get, "/api/v1/apps/shop-staging/formation", token: token).decode([FormationResource].self)
            #expect(entries.map(\.type).sorted() == ["web", "worker"])
            #expect(entries.first { $0.type == "web" }?.quantity == 2)

            // The pipeline's review config vars: values readable by a token holder, keys only in the pipeline.
            let review = try await client.api(.patch, "/api/v1/pipelines/shop/review-config-vars", token: token,
                json: #"{"STRIPE_KEY":"sk_test_1","OLD":null}"#)
            #expect(try review.decode([String: String].self) == ["STRIPE_KEY": "sk_test_1"])
            try await client.api(.patch, "/api/v1/pipelines/shop/review-config-vars", token: token, json: #"{"DEBUG":"1"}"#)
            let reviewVars = try await client.api(.get, "/api/v1/pipelines/shop/review-config-vars", token: token).decode([String: String].self)
            #expect(reviewVars == ["DEBUG": "1", "STRIPE_KEY": "sk_test_1"])
            let withKeys = try await client.api(.get, "/api/v1/pipelines/shop", token: token)
            #expect(try withKeys.decode(PipelineResource.self).reviewConfigVarKeys == ["DEBUG", "STRIPE_KEY"])
            #expect(!withKeys.text.contains("sk_test_1"))
            let updated = try await client.api(.patch, "/api/v1/pipelines/shop", token: token,
                json: #"{"target_branch":"main","forks_get_review_config_vars":true}"#).decode(PipelineResource.self)
            #expect(updated.targetBranch == "main" && updated.forksGetReviewConfigVars)

            let busy = try await client.api(.delete, "/api/v1/pipelines/shop", token: token)
            #expect(busy.status == .conflict)
            #expect(try await client.api(.delete, "/api/v1/apps/shop-staging", token: token).status == .noContent)
            #expect(try await client.api(.delete, "/api/v1/apps/shop-prod", token: token).status == .noContent)
            #expect(try await client.api(.delete, "/api/v1/pipelines/shop", token: token).status == .noContent)
            #expect(try await client.api(.get, "/api/v1/pipelines/shop", token: token).status == .notFound)
            #expect(try await client.api(.get, "/api/v1/apps/shop-staging/config-vars", token: token).status == .notFound)
        }
    }

    @Test func aRestartedServiceFindsEverything() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let first = try await TestService.make(directory: directory)
        try await first.application.test(.router) { client in
            let token = first.adminToken
            try await client.api(.post, "/api/v1/pipelines", token: token, json: #"{"name":"shop","repository":"https://git.example.com/shop.git"}"#)
            try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop-staging","pipeline":"shop","stage":"staging"}"#)
            try await client.api(.patch, "/api/v1/apps/shop-staging/config-vars", token: token, json: #"{"A":"1"}"#)
            try await client.api(.post, "/api/v1/tokens", token: token, json: #"{"name":"deployer"}"#)
        }
        try await first.close()

        let second = try await TestService.make(directory: directory)
        #expect(second.adminToken == first.adminToken)
        #expect(try await AdminToken.bootstrap(store: second.store, dataDirectory: directory.url, environmentToken: "other") == .existing)
        try await second.application.test(.router) { client in
            let token = second.adminToken
            let pipelines = try await client.api(.get, "/api/v1/pipelines", token: token).decode([PipelineResource].self)
            #expect(pipelines.map(\.name) == ["shop"])
            let app = try await client.api(.get, "/api/v1/apps/shop-staging", token: token).decode(AppResource.self)
            #expect(app.stage == "staging")
            let config = try await client.api(.get, "/api/v1/apps/shop-staging/config-vars", token: token).decode([String: String].self)
            #expect(config == ["A": "1"])
            let releases = try await client.api(.get, "/api/v1/apps/shop-staging/releases", token: token).decode([ReleaseResource].self)
            #expect(releases.map(\.label) == ["v1"])
            let tokens = try await client.api(.get, "/api/v1/tokens", token: token).decode([TokenResource].self)
            #expect(tokens.map(\.name) == ["admin", "deployer"])
        }
        try await second.close()
    }
}
