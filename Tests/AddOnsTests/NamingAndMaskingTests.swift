@testable import AddOns
import Manifest
import Testing

@Suite("Add-on names, warnings and masking")
struct NamingAndMaskingTests {
    @Test func resourceNamesTellWhoseTheyAre() throws {
        #expect(try AddOnOwner.app("shop-pr-7").resourceName == "slipway_addon_shop_pr_7")
        #expect(try AddOnOwner.app("shop").resourceName(ordinal: 1) == "slipway_addon_shop__2")
        #expect(try AddOnOwner.testRun("42", worker: 3).resourceName == "slipway_ci_42_w3")
        let odd = try AddOnOwner.testRun("Run 42/7 with a very long identifier indeed", worker: 0).resourceName
        #expect(odd.utf8.count <= 63 && odd.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" })
        #expect(throws: AddOnError.self) { try AddOnOwner.app("Bad_Name") }
        #expect(throws: AddOnError.self) { try AddOnOwner.app("a--b") }
    }

    @Test func orphansAreThoseOfNoLiveAppOrRun() {
        let live: Set<String> = ["shop", "shop-pr-7"]
        #expect(!AddOnOwner.isOrphan("slipway_addon_shop", liveApps: live, liveTestRuns: []))
        #expect(!AddOnOwner.isOrphan("slipway_addon_shop__2", liveApps: live, liveTestRuns: []))
        #expect(!AddOnOwner.isOrphan("slipway_addon_shop_pr_7", liveApps: live, liveTestRuns: []))
        #expect(AddOnOwner.isOrphan("slipway_addon_shop_pr_8", liveApps: live, liveTestRuns: []))
        #expect(AddOnOwner.isOrphan("slipway_ci_42_w0", liveApps: live, liveTestRuns: ["4"]))
        #expect(!AddOnOwner.isOrphan("slipway_ci_42_w0", liveApps: live, liveTestRuns: ["42"]))
        // Names Slipway did not make are never orphans.
        #expect(!AddOnOwner.isOrphan("slipway_store", liveApps: [], liveTestRuns: []))
        #expect(!AddOnOwner.isOrphan("postgres", liveApps: [], liveTestRuns: []))
    }

    @Test func unknownAddOnsAreWarnedAboutByName() {
        let plan = AddOnPlan([Addon(plan: "heroku-postgresql"), Addon(plan: "websolr"), Addon(plan: "heroku-redis:mini")])
        #expect(plan.supported.map(\.plan) == ["heroku-postgresql", "heroku-redis:mini"])
        #expect(plan.warnings.count == 1 && plan.warnings[0].hasPrefix("add-on \"websolr\" is not provided by Slipway"))
    }

    @Test func credentialsAreMaskedUnlessRevealed() {
        let status = AddOnStatus(kind: .postgres, resource: "slipway_addon_x", state: .available,
                                 url: "postgres://slipway_addon_x:0123abcd@127.0.0.1:5432/slipway_addon_x")
        #expect(status.maskedURL == "postgres://slipway_addon_x:••••@127.0.0.1:5432/slipway_addon_x")
        #expect(!status.description.contains("0123abcd"))
        let attachment = AddOnAttachment(kind: .redis, plan: "heroku-redis", resource: "slipway_addon_x",
                                         configVars: ["REDIS_URL": "redis://slipway_addon_x:s3cret@127.0.0.1:6379/3"], secretValues: ["s3cret"])
        #expect(!attachment.description.contains("s3cret") && attachment.maskedConfigVars["REDIS_URL"] == "redis://slipway_addon_x:••••@127.0.0.1:6379/3")
    }

    @Test func anAdminURLIsNeverInAMessage() throws {
        let endpoint = try ServerEndpoint.postgres("postgres://admin:hunter2@db.internal:6543/postgres")
        #expect(endpoint.description == "admin@db.internal:6543")
        #expect(throws: AddOnError.self) { try ServerEndpoint.postgres("mysql://admin:hunter2@db/x") }
        do {
            _ = try ServerEndpoint.postgres("postgres://admin:hunter2@db/x?sslmode=require")
            Issue.record("sslmode=require was accepted")
        } catch {
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test func addOnVarsWinOverOverridesAndLoseToInjected() {
        let resolved = ConfigResolver.resolve(nil, input: ConfigResolutionInput(
            context: .review, pipelineVars: ["DATABASE_URL": "postgres://staging"], overrides: ["DATABASE_URL": "postgres://override"],
            injected: ["HEROKU_APP_NAME": "a"], addonVars: ["DATABASE_URL": "postgres://addon", "HEROKU_APP_NAME": "no"]))
        #expect(resolved["DATABASE_URL"]?.value == "postgres://addon" && resolved["DATABASE_URL"]?.source == .addon)
        #expect(resolved["HEROKU_APP_NAME"]?.source == .injected)
        #expect(ConfigSource.addon.isMaskedByDefault)
    }
}
