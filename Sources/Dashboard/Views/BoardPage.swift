import Foundation
import Orchestration
import SlipwayModel
import Store

/// `/pipelines/<name>`: the board, one column per stage, like Heroku's pipeline page: review apps as cards
/// with their pull request, branch, state, URL, `ci` check and age; the other stages' apps with what they run.
struct BoardPage: DashboardPage {
    static let template = "board"

    struct Column: Sendable {
        var title: String
        var stage: String
        var count: Int
        var cards: [Card]
        var empty: String
    }

    /// One of the two kinds of card (Mustache has no sum types: exactly one is set).
    struct Card: Sendable {
        var review: ReviewCard?
        var app: AppCard?
    }

    struct ReviewCard: Sendable {
        var number: String
        var href: String
        var title: String
        var branch: String
        var state: Badge
        var url: Link?
        var ci: CheckSummaryRow?
        var app: String
        var appHref: String
        var commit: String
        var age: Age
        var fromFork: Bool
    }

    struct AppCard: Sendable {
        var name: String
        var href: String
        var release: String?
        var releaseDescription: String?
        var build: String?
        var commit: String?
        var formation: String?
        var dynos: String?
        var deployed: Age?
        /// The newest release when it is not the current one (pending or failed).
        var latest: Badge?
    }

    /// A fork pull request whose current head waits for `slipway pr approve`.
    struct WaitingRow: Sendable {
        var number: String
        var href: String
        var branch: String
        var head: String
        var command: String
    }

    var chrome: PageChrome
    var pipeline: String
    var targetBranch: String
    var repository: String
    var columns: [Column]
    var runs: [RunRow]
    var hasRuns: Bool
    var decisions: [DecisionRow]
    var hasDecisions: Bool
    var waiting: [WaitingRow]
    var hasWaiting: Bool
    /// `2 closed pull requests' review apps are not shown`, or nil.
    var closedNote: String?

    static func load(_ data: DashboardData, pipeline name: ResourceName) async throws -> BoardPage {
        let store = data.store
        let pipeline = try await store.pipeline(named: name)
        let apps = try await store.apps(inPipeline: name)
        var live = false

        var reviewCards: [Card] = []
        let reviewApps = apps.filter { $0.stage == .review && $0.review?.state != .destroyed }
            .sorted { ($0.review?.prNumber ?? 0) > ($1.review?.prNumber ?? 0) }
        for app in reviewApps {
            guard let review = app.review else {
                // A review-stage app made by hand: shown like the other stages' apps.
                reviewCards.append(Card(app: try await appCard(app, data: data, live: &live)))
                continue
            }
            let ci = try await ciCheck(pipeline: name, review: review, store: store)
            if review.state == .creating || ci?.state == .pending { live = true }
            reviewCards.append(Card(review: ReviewCard(
                number: "#\(review.prNumber)", href: DashboardData.Paths.pullRequest(name, review.prNumber),
                title: "PR #\(review.prNumber)", branch: review.branch, state: Tones.review(review.state),
                url: review.state == .destroyed ? nil : data.reviewURL(host: review.urlHost),
                ci: ci.map { CheckSummaryRow($0, data: data) }, app: app.name.rawValue, appHref: DashboardData.Paths.app(app.name),
                commit: DisplayFormat.shortID(review.mergeCommit ?? review.headCommit), age: data.age(app.createdAt),
                fromFork: review.fromFork)))
        }

        var columns = [Column(title: "Review apps", stage: "review", count: reviewCards.count, cards: reviewCards,
                              empty: "No open pull request has a review app.")]
        for stage in [AppStage.development, .staging, .production] {
            var cards: [Card] = []
            for app in apps where app.stage == stage {
                cards.append(Card(app: try await appCard(app, data: data, live: &live)))
            }
            // Development is optional in a Heroku pipeline: its column appears only when used.
            if stage == .development && cards.isEmpty { continue }
            columns.append(Column(title: stage.rawValue.capitalized, stage: stage.rawValue, count: cards.count, cards: cards,
                                  empty: "No \(stage.rawValue) app yet."))
        }

        let waiting = try await store.pullRequests(pipeline: name, state: .open)
            .filter { $0.fromFork && pipeline.forkPullRequests == .approve && !$0.mayRun(under: .approve) }
            .map { record in
                WaitingRow(number: "#\(record.number)", href: DashboardData.Paths.pullRequest(name, record.number),
                           branch: record.branch, head: DisplayFormat.shortID(record.headCommit),
                           command: PullRequestFlow.approveCommand(pipeline: name.rawValue, number: record.number))
            }
        let runs = try await store.testRuns(pipeline: name, prNumber: nil, limit: 8)
        if runs.contains(where: { !$0.state.isFinished }) { live = true }
        let decisions = try await store.gateDecisions(pipeline: name, prNumber: nil, limit: 5)
        return BoardPage(
            chrome: PageChrome(title: name.rawValue, crumbs: [.init(label: "Pipelines", href: "/"), .init(label: name.rawValue)],
                               live: live),
            pipeline: name.rawValue, targetBranch: pipeline.targetBranch,
            repository: DisplayFormat.repository(pipeline.repository), columns: columns,
            runs: runs.map { RunRow($0, data: data) }, hasRuns: !runs.isEmpty,
            decisions: decisions.map { DecisionRow($0, data: data) }, hasDecisions: !decisions.isEmpty,
            waiting: waiting, hasWaiting: !waiting.isEmpty,
            closedNote: closedNote(apps.filter { $0.review?.state == .destroyed }.count))
    }

    static func closedNote(_ count: Int) -> String? {
        switch count {
        case 0: nil
        case 1: "The review app of 1 closed pull request is not shown."
        default: "The review apps of \(count) closed pull requests are not shown."
        }
    }

    /// The `ci` check of the review app's test merge (or, before one exists, of its head).
    static func ciCheck(pipeline: ResourceName, review: ReviewAppDetails, store: any SlipwayStore) async throws -> Check? {
        for commit in [review.mergeCommit, review.headCommit].compactMap({ $0 }) {
            if let check = try await store.latestChecks(pipeline: pipeline, commit: commit).first(where: { $0.context == CheckContext.ci }) {
                return check
            }
        }
        return nil
    }

    static func appCard(_ app: App, data: DashboardData, live: inout Bool) async throws -> AppCard {
        let store = data.store
        let current = try await store.currentRelease(app: app.name)
        let newest = try await store.releases(app: app.name, limit: 1).first
        var card = AppCard(name: app.name.rawValue, href: DashboardData.Paths.app(app.name))
        if let current {
            card.release = current.label
            card.releaseDescription = current.description
            card.deployed = data.age(current.finishedAt ?? current.createdAt)
            if let buildID = current.buildID {
                card.build = DisplayFormat.shortID(buildID)
                if case .commit(let commit) = try? await store.build(id: buildID).source {
                    card.commit = DisplayFormat.shortID(commit)
                }
            }
        }
        if let newest, newest.version != current?.version {
            card.latest = Badge("\(newest.label) \(newest.state.rawValue)", tone: Tones.release(newest.state).tone)
            if newest.state == .pending { live = true }
        }
        let formation = try await data.formation(app: app.name).filter { $0.quantity > 0 }
        if !formation.isEmpty {
            card.formation = formation.map { "\($0.processType)×\($0.quantity)" }.joined(separator: " · ")
        }
        if let dynos = await data.runningDynos(app: app.name), !dynos.isEmpty {
            let up = dynos.filter { $0.state == .up }.count
            card.dynos = "\(up)/\(dynos.count) up"
            if dynos.contains(where: { $0.state == .starting }) { live = true }
        }
        return card
    }
}
