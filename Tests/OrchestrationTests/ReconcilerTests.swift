import Foundation
import GitKit
import Orchestration
import SlipwayModel
import Testing

/// The reconciler's decisions, from stored state and a scan alone: no repository, no process, no store.
struct ReconcilerTests {
    static let pipeline = try! ResourceName("shop")
    static func id(_ digit: Character) -> ObjectID { ObjectID(hex: String(repeating: digit, count: 40))! }
    static let target = id("a"), head = id("b"), merge = id("c"), base = id("d")

    static func status(head: ObjectID = head, target: ObjectID = target, outcome: MergeOutcome? = nil,
                       mergeBase: ObjectID? = base) -> PullRequestStatus {
        PullRequestStatus(number: 7, head: head, target: target, mergeBase: mergeBase,
                          outcome: outcome ?? .merged(commit: merge, tree: id("e")))
    }

    static func record(head: ObjectID = head, state: PullRequestState = .open, fork: Bool = false,
                       approvedHead: String? = nil, eventAt: Date? = nil) -> PullRequestRecord {
        var record = PullRequestRecord(pipeline: pipeline, number: 7, branch: "feature", headCommit: head.hex)
        record.state = state
        record.fromFork = fork
        record.eventAt = eventAt
        if let approvedHead { record.approval = ForkApproval(headCommit: approvedHead, approvedBy: "ops", approvedAt: Date()) }
        return record
    }

    static func decide(_ record: PullRequestRecord, _ status: PullRequestStatus, policy: ForkPullRequestPolicy = .approve,
                       busy: Bool = false) -> Reconciler.Decision {
        Reconciler.decide(record, status: status, forkPolicy: policy, targetBranch: "main", hasSomethingToRetire: busy)
    }

    @Test func aNewPullRequestIsRecordedUnderItsBranchAndTested() throws {
        let created = try #require(Reconciler.followHead(nil, status: Self.status(), pipeline: Self.pipeline, branch: "feature"))
        #expect(created.branch == "feature" && created.headCommit == Self.head.hex && created.state == .open)
        let unnamed = try #require(Reconciler.followHead(nil, status: Self.status(), pipeline: Self.pipeline, branch: nil))
        #expect(unnamed.branch == "pr-7")
        #expect(Self.decide(created, Self.status()) == .test(merge: Self.merge))
    }

    @Test func aPushMovesTheHeadWakesAStaleOneAndTestsTheNewMerge() throws {
        let pushed = Self.id("f"), newMerge = Self.id("1")
        #expect(Reconciler.followHead(Self.record(), status: Self.status(), pipeline: Self.pipeline, branch: nil) == nil,
                "an unchanged head writes nothing")
        let moved = try #require(Reconciler.followHead(Self.record(state: .stale), status: Self.status(head: pushed),
                                                       pipeline: Self.pipeline, branch: nil))
        #expect(moved.headCommit == pushed.hex && moved.state == .open && moved.branch == "feature")
        #expect(Self.decide(moved, Self.status(head: pushed, outcome: .merged(commit: newMerge, tree: Self.id("2"))))
                == .test(merge: newMerge))
    }

    @Test func aMovedTargetTestsTheNewMergeOfTheSameHead() {
        let newTarget = Self.id("3"), newMerge = Self.id("4")
        let status = Self.status(target: newTarget, outcome: .merged(commit: newMerge, tree: Self.id("5")))
        #expect(Reconciler.followHead(Self.record(), status: status, pipeline: Self.pipeline, branch: nil) == nil)
        #expect(Self.decide(Self.record(), status) == .test(merge: newMerge))
    }

    @Test func closedOrGonePullRequestsAreRetiredOnlyWhenSomethingIsLeft() {
        #expect(Self.decide(Self.record(state: .closed), Self.status(), busy: true) == .retire)
        #expect(Self.decide(Self.record(state: .closed), Self.status(), busy: false) == .leave)
        #expect(Self.decide(Self.record(state: .merged), Self.status(), busy: true) == .retire)
        #expect(Reconciler.decideGone(Self.record(), hasSomethingToRetire: false) == .close)
        #expect(Reconciler.decideGone(Self.record(eventAt: Date()), hasSomethingToRetire: true) == .leave,
                "a webhook-managed pull request whose ref is not fetched yet stays open")
        #expect(Reconciler.decideGone(Self.record(state: .closed), hasSomethingToRetire: true) == .retire)
    }

    @Test func aHeadAlreadyInTheTargetIsMarkedMerged() {
        let status = Self.status(mergeBase: Self.head)
        #expect(Self.decide(Self.record(), status, busy: true) == .markMerged(retire: true))
        #expect(Self.decide(Self.record(), status, busy: false) == .markMerged(retire: false))
    }

    @Test func aForkWaitsForApprovalOfItsCurrentHead() {
        let fork = Self.record(fork: true)
        #expect(Self.decide(fork, Self.status(), policy: .approve) == .hold(policy: .approve, retire: false))
        #expect(Self.decide(fork, Self.status(), policy: .ignore, busy: true) == .hold(policy: .ignore, retire: true))
        #expect(Self.decide(fork, Self.status(), policy: .run) == .test(merge: Self.merge))
        let approved = Self.record(fork: true, approvedHead: Self.head.hex)
        #expect(Self.decide(approved, Self.status(), policy: .approve) == .test(merge: Self.merge))
        let pushedAfterApproval = Self.record(head: Self.id("6"), fork: true, approvedHead: Self.head.hex)
        #expect(Self.decide(pushedAfterApproval, Self.status(head: Self.id("6")), policy: .approve)
                == .hold(policy: .approve, retire: false))
    }

    @Test func aConflictFailsTheHeadCheckAndNamesThePaths() {
        #expect(Self.decide(Self.record(), Self.status(outcome: .conflicts(["a.txt", "b/c.py"])))
                == .failHead(.failure, description: "conflicts: a.txt, b/c.py"))
        #expect(Self.decide(Self.record(), Self.status(outcome: .unrelatedHistories, mergeBase: nil))
                == .failHead(.error, description: "unrelated histories: cannot merge into main"))
        #expect(Self.decide(Self.record(), Self.status(outcome: .failed("no such commit")))
                == .failHead(.error, description: "cannot merge: no such commit"))
    }
}
