/// How the test runner divides test files among workers (`slipway.tests.split`).
public enum TestSplitStrategy: String, Sendable, Equatable, CaseIterable {
    /// Each worker is told its index and total (`CI_NODE_INDEX`, `CI_NODE_TOTAL`) and splits for itself.
    case env
    /// Files are split into groups of equal expected duration from past timings.
    case timings
    /// Workers take files from a shared queue until it is empty.
    case queue
}

/// `slipway.tests`: how Slipway finds, splits, retries and reports tests.
public struct TestSettings: Sendable, Equatable {
    /// Globs of test files, relative to the app's root.
    public var files: [String]
    public var split: TestSplitStrategy?
    /// How many times a failed file is retried before it counts as failed.
    public var retries: Int?
    /// Glob of the JUnit XML files the test command writes.
    public var junit: String?

    public init(files: [String] = [], split: TestSplitStrategy? = nil, retries: Int? = nil, junit: String? = nil) {
        self.files = files
        self.split = split
        self.retries = retries
        self.junit = junit
    }
}

/// `slipway.review`: review-app lifecycle settings.
public struct ReviewSettings: Sendable, Equatable {
    /// Destroy a review app after this many days without a push.
    public var staleDays: Int?
    /// Deploy a review app only after the PR's CI run passed.
    public var waitForCI: Bool?

    public init(staleDays: Int? = nil, waitForCI: Bool? = nil) {
        self.staleDays = staleDays
        self.waitForCI = waitForCI
    }
}

/// app.json's top-level `"slipway"` object: the keys Heroku's schema has no room for.
public struct SlipwaySettings: Sendable, Equatable {
    /// Command run once per build in the exported tree.
    public var build: String?
    public var tests: TestSettings?
    public var review: ReviewSettings?
    /// `slipway.sandbox.network` (SPEC §7): `"shared"` (nil means the same) or `"none"`.
    public var sandboxNetwork: String?

    public init(build: String? = nil, tests: TestSettings? = nil, review: ReviewSettings? = nil,
                sandboxNetwork: String? = nil) {
        self.build = build
        self.tests = tests
        self.review = review
        self.sandboxNetwork = sandboxNetwork
    }

    /// The values `slipway.sandbox.network` accepts.
    public static let sandboxNetworks = ["shared", "none"]
}
