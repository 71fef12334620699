import GitKit
import Platform
import SlipwayModel
import Testing

/// The merge gate's rule: the target moves only to a merge made against its tip whose required checks succeeded.
struct GateRuleTests {
    static func id(_ digit: Character) -> ObjectID { ObjectID(hex: String(repeating: digit, count: 40))! }
    static func status(_ outcome: MergeOutcome, mergeBase: ObjectID? = id("d")) -> PullRequestStatus {
        PullRequestStatus(number: 3, head: id("b"), target: id("a"), mergeBase: mergeBase, outcome: outcome)
    }
    static let merged = status(.merged(commit: id("c"), tree: id("e")))

    @Test func mergesOnlyWhenEveryRequiredCheckSucceeded() {
        #expect(GateRule.decide(status: Self.merged, checks: ["ci": .success, "lint": .failure], required: ["ci"])
                == .merge(mergeCommit: Self.id("c"), expectedTarget: Self.id("a")))
        #expect(GateRule.decide(status: Self.merged, checks: ["ci": .success], required: ["ci", "lint"])
                == .refuse(.checkMissing(context: "lint")))
    }

    @Test(arguments: [(CheckState.pending, GateRefusal.checkPending(context: "ci")),
                      (.failure, .checkFailed(context: "ci")), (.error, .checkErrored(context: "ci"))])
    func refusesEveryOtherCheckState(state: CheckState, refusal: GateRefusal) {
        #expect(GateRule.decide(status: Self.merged, checks: ["ci": state], required: ["ci"]) == .refuse(refusal))
    }

    @Test func refusesWithoutATestMergeOrWhenAlreadyMerged() {
        #expect(GateRule.decide(status: Self.status(.conflicts(["x"])), checks: [:], required: ["ci"]) == .refuse(.conflicts(["x"])))
        #expect(GateRule.decide(status: Self.status(.unrelatedHistories, mergeBase: nil), checks: [:], required: ["ci"])
                == .refuse(.unrelatedHistories))
        #expect(GateRule.decide(status: Self.status(.failed("bad")), checks: [:], required: ["ci"]) == .refuse(.cannotMerge("bad")))
        let contained = Self.status(.merged(commit: Self.id("c"), tree: Self.id("e")), mergeBase: Self.id("b"))
        #expect(GateRule.decide(status: contained, checks: ["ci": .success], required: ["ci"]) == .refuse(.alreadyMerged))
    }

    @Test func refusalsReadAsTheCLIPrintsThem() {
        #expect(GateRefusal.checkMissing(context: "ci").reason == "check ci missing: not tested yet")
        #expect(GateRefusal.conflicts(["a", "b"]).reason == "conflicts: a, b")
        #expect(GateRefusal.notOpen(number: 4, state: .closed).reason == "pull request #4 is closed")
        #expect(GateRefusal.targetMoved.reason == "target moved: re-testing")
        #expect(GateRefusal.checkPending(context: "ci").awaitsTesting && !GateRefusal.checkFailed(context: "ci").awaitsTesting)
    }
}
