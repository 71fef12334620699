import Foundation
import SlipwayModel
import GRDB

struct AppRow: StoreRecord {
    static let databaseTableName = "apps"

    var name: String
    var pipeline: String?
    var stage: String?
    var createdAt: Int64
    var prNumber: Int?
    var reviewBranch: String?
    var headCommit: String?
    var mergeCommit: String?
    var fromFork: Bool?
    var reviewState: String?
    var lastDeployedAt: Int64?
    var urlHost: String?

    init(_ app: App) {
        name = app.name.rawValue
        pipeline = app.pipeline?.rawValue
        stage = app.stage?.rawValue
        createdAt = app.createdAt.storeMilliseconds
        prNumber = app.review?.prNumber
        reviewBranch = app.review?.branch
        headCommit = app.review?.headCommit
        mergeCommit = app.review?.mergeCommit
        fromFork = app.review?.fromFork
        reviewState = app.review?.state.rawValue
        lastDeployedAt = app.review?.lastDeployedAt?.storeMilliseconds
        urlHost = app.review?.urlHost
    }

    func value() throws -> App {
        var review: ReviewAppDetails?
        if let prNumber, let reviewState {
            review = ReviewAppDetails(
                prNumber: prNumber,
                branch: reviewBranch ?? "",
                headCommit: headCommit ?? "",
                mergeCommit: mergeCommit,
                fromFork: fromFork ?? false,
                state: try storedEnum(reviewState, ReviewAppState.self),
                lastDeployedAt: lastDeployedAt.map(Date.init(storeMilliseconds:)),
                urlHost: urlHost)
        }
        return App(
            name: try storedName(name),
            pipeline: try pipeline.map(storedName),
            stage: try stage.map { try storedEnum($0, AppStage.self) },
            createdAt: Date(storeMilliseconds: createdAt),
            review: review)
    }
}
