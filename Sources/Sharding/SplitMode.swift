/// How a test run divides its work between workers.
public enum SplitMode: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Heroku-compatible: every worker runs the test command once with only `CI_NODE_TOTAL`/`CI_NODE_INDEX`;
    /// the suite picks its own share.
    case env
    /// Files are assigned up front, longest-first to the least-loaded worker, from recorded durations.
    case timings
    /// Workers pull small batches from one shared queue, longest-estimated-first, until it is empty.
    case queue

    public var description: String { rawValue }
}
