import Foundation
import SlipwayModel
import PostgresNIO

/// The columns each query selects and how a row becomes a value, per table. Same conversions as the SQLite store's
/// row types (`SQLite/Records`): names are validated again (`storedName`), enums parsed (`storedEnum`), times are
/// milliseconds, maps and lists JSON.
enum PostgresRows {
    static let pipeline = """
        name, repository, target_branch, review_config_vars, forks_get_review_config_vars, fork_pull_requests, created_at
        """

    static func pipeline(_ row: PostgresRandomAccessRow) throws -> Pipeline {
        Pipeline(
            name: try storedName(row.decode("name")),
            repository: try row.decode("repository"),
            targetBranch: try row.decode("target_branch"),
            reviewConfigVars: try json(row.decode("review_config_vars"), as: [String: String].self),
            forksGetReviewConfigVars: try row.decode("forks_get_review_config_vars"),
            forkPullRequests: try storedEnum(row.decode("fork_pull_requests"), ForkPullRequestPolicy.self),
            createdAt: Date(storeMilliseconds: try row.decode("created_at")))
    }

    static let app = """
        name, pipeline, stage, created_at, pr_number, review_branch, head_commit, merge_commit, from_fork, \
        review_state, last_deployed_at, url_host
        """

    static func app(_ row: PostgresRandomAccessRow) throws -> App {
        var review: ReviewAppDetails?
        if let prNumber = try row.decode("pr_number", as: Int?.self), let state = try row.decode("review_state", as: String?.self) {
            review = ReviewAppDetails(
                prNumber: prNumber,
                branch: try row.decode("review_branch", as: String?.self) ?? "",
                headCommit: try row.decode("head_commit", as: String?.self) ?? "",
                mergeCommit: try row.decode("merge_commit"),
                fromFork: try row.decode("from_fork", as: Bool?.self) ?? false,
                state: try storedEnum(state, ReviewAppState.self),
                lastDeployedAt: try row.decode("last_deployed_at", as: Int64?.self).map(Date.init(storeMilliseconds:)),
                urlHost: try row.decode("url_host"))
        }
        return App(
            name: try storedName(row.decode("name")),
            pipeline: try row.decode("pipeline", as: String?.self).map(storedName),
            stage: try row.decode("stage", as: String?.self).map { try storedEnum($0, AppStage.self) },
            createdAt: Date(storeMilliseconds: try row.decode("created_at")),
            review: review)
    }

    static let build = "id, source_kind, source, directory, state, output_tail, created_at"

    static func build(_ row: PostgresRandomAccessRow) throws -> Build {
        let kind: String = try row.decode("source_kind")
        let source: String = try row.decode("source")
        let buildSource: BuildSource
        switch kind {
        case "commit": buildSource = .commit(source)
        case "directory": buildSource = .directory(digest: source)
        default: throw StoreError(.database, "the database holds an unknown build source kind '\(kind)'")
        }
        return Build(
            id: try row.decode("id"),
            source: buildSource,
            directory: try row.decode("directory"),
            state: try storedEnum(row.decode("state"), BuildState.self),
            outputTail: try row.decode("output_tail"),
            createdAt: Date(storeMilliseconds: try row.decode("created_at")))
    }

    static let release = "app, version, build_id, config, description, state, release_phase_output, created_at, finished_at"

    static func release(_ row: PostgresRandomAccessRow) throws -> Release {
        Release(
            app: try storedName(row.decode("app")),
            version: try row.decode("version"),
            buildID: try row.decode("build_id"),
            config: try json(row.decode("config"), as: [String: String].self),
            description: try row.decode("description"),
            state: try storedEnum(row.decode("state"), ReleaseState.self),
            releasePhaseOutput: try row.decode("release_phase_output"),
            createdAt: Date(storeMilliseconds: try row.decode("created_at")),
            finishedAt: try row.decode("finished_at", as: Int64?.self).map(Date.init(storeMilliseconds:)))
    }

    static let formation = "process_type, quantity, size"

    static func formation(_ row: PostgresRandomAccessRow) throws -> FormationEntry {
        FormationEntry(processType: try row.decode("process_type"), quantity: try row.decode("quantity"), size: try row.decode("size"))
    }

    static let dyno = "id, app, release_version, name, process_type, pid, pgid, port, state, started_at, updated_at"

    static func dyno(_ row: PostgresRandomAccessRow) throws -> Dyno {
        Dyno(
            id: try row.decode("id"),
            app: try storedName(row.decode("app")),
            releaseVersion: try row.decode("release_version"),
            name: try row.decode("name"),
            processType: try row.decode("process_type"),
            pid: try row.decode("pid"),
            pgid: try row.decode("pgid"),
            port: try row.decode("port"),
            state: try storedEnum(row.decode("state"), DynoState.self),
            startedAt: Date(storeMilliseconds: try row.decode("started_at")),
            updatedAt: Date(storeMilliseconds: try row.decode("updated_at")))
    }

    static let operation = "id, kind, app, pipeline, state, reason, started_at, finished_at"

    static func operation(_ row: PostgresRandomAccessRow) throws -> TrackedOperation {
        TrackedOperation(
            id: try row.decode("id"),
            kind: try row.decode("kind"),
            app: try row.decode("app", as: String?.self).map(storedName),
            pipeline: try row.decode("pipeline", as: String?.self).map(storedName),
            state: try storedEnum(row.decode("state"), OperationState.self),
            reason: try row.decode("reason"),
            startedAt: Date(storeMilliseconds: try row.decode("started_at")),
            finishedAt: try row.decode("finished_at", as: Int64?.self).map(Date.init(storeMilliseconds:)))
    }

    static let testRun = """
        id, pipeline, pr_number, branch, commit_id, state, workers, split, shards, message, created_at, started_at, \
        finished_at, wall_time_seconds, owner_instance
        """

    static func testRun(_ row: PostgresRandomAccessRow, fileResults: [TestFileResult]) throws -> TestRun {
        TestRun(
            id: try row.decode("id"),
            pipeline: try storedName(row.decode("pipeline")),
            prNumber: try row.decode("pr_number"),
            branch: try row.decode("branch"),
            commit: try row.decode("commit_id"),
            state: try storedEnum(row.decode("state"), TestRunState.self),
            workers: try row.decode("workers"),
            split: try row.decode("split"),
            shards: try json(row.decode("shards"), as: [TestShard].self),
            fileResults: fileResults,
            message: try row.decode("message"),
            createdAt: Date(storeMilliseconds: try row.decode("created_at")),
            startedAt: try row.decode("started_at", as: Int64?.self).map(Date.init(storeMilliseconds:)),
            finishedAt: try row.decode("finished_at", as: Int64?.self).map(Date.init(storeMilliseconds:)),
            wallTimeSeconds: try row.decode("wall_time_seconds"),
            owner: try row.decode("owner_instance"))
    }

    static let fileResult = "path, worker, seconds, status, attempts, failure, start_offset_seconds"

    static func fileResult(_ row: PostgresRandomAccessRow) throws -> TestFileResult {
        TestFileResult(
            path: try row.decode("path"),
            worker: try row.decode("worker"),
            seconds: try row.decode("seconds"),
            status: try storedEnum(row.decode("status"), TestFileStatus.self),
            attempts: try row.decode("attempts"),
            failure: try row.decode("failure"),
            startOffsetSeconds: try row.decode("start_offset_seconds"))
    }

    static let check = "id, pipeline, commit_id, context, state, description, target_url, created_at"

    static func check(_ row: PostgresRandomAccessRow) throws -> Check {
        Check(
            id: try row.decode("id"),
            pipeline: try storedName(row.decode("pipeline")),
            commit: try row.decode("commit_id"),
            context: try row.decode("context"),
            state: try storedEnum(row.decode("state"), CheckState.self),
            description: try row.decode("description"),
            targetURL: try row.decode("target_url"),
            createdAt: Date(storeMilliseconds: try row.decode("created_at")))
    }

    static let gateDecision = "id, pipeline, pr_number, merge_commit, verdict, reason, decided_at"

    static func gateDecision(_ row: PostgresRandomAccessRow) throws -> GateDecision {
        GateDecision(
            id: try row.decode("id"),
            pipeline: try storedName(row.decode("pipeline")),
            prNumber: try row.decode("pr_number"),
            mergeCommit: try row.decode("merge_commit"),
            verdict: try storedEnum(row.decode("verdict"), GateVerdict.self),
            reason: try row.decode("reason"),
            decidedAt: Date(storeMilliseconds: try row.decode("decided_at")))
    }

    static let token = "id, name, scope, created_at, last_used_at, revoked_at"

    static func token(_ row: PostgresRandomAccessRow) throws -> APIToken {
        APIToken(
            id: try row.decode("id"),
            name: try storedName(row.decode("name")),
            scope: try storedEnum(row.decode("scope"), TokenScope.self),
            createdAt: Date(storeMilliseconds: try row.decode("created_at")),
            lastUsedAt: try row.decode("last_used_at", as: Int64?.self).map(Date.init(storeMilliseconds:)),
            revokedAt: try row.decode("revoked_at", as: Int64?.self).map(Date.init(storeMilliseconds:)))
    }

    static let pullRequest = """
        pipeline, number, state, branch, head_commit, from_fork, approved_head, approved_by, approved_at, event_at, updated_at
        """

    static func pullRequest(_ row: PostgresRandomAccessRow) throws -> PullRequestRecord {
        PullRequestRecord(
            pipeline: try storedName(row.decode("pipeline")),
            number: try row.decode("number"),
            state: try storedEnum(row.decode("state"), PullRequestState.self),
            branch: try row.decode("branch"),
            headCommit: try row.decode("head_commit"),
            fromFork: try row.decode("from_fork"),
            approval: ForkApproval.stored(head: try row.decode("approved_head"), by: try row.decode("approved_by"),
                                          at: try row.decode("approved_at")),
            eventAt: try row.decode("event_at", as: Int64?.self).map(Date.init(storeMilliseconds:)),
            updatedAt: Date(storeMilliseconds: try row.decode("updated_at")))
    }

    // MARK: JSON columns

    /// Encodes a map or list for a JSONB column (bind it as `\(text)::jsonb`). Keys sorted, so equal values are
    /// equal text.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func json<T: Decodable>(_ text: String, as type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.database, "the database holds JSON that is not a \(T.self) (was it written by a newer Slipway?)")
        }
    }
}
