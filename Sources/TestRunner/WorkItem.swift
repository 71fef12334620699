/// One command invocation's worth of work for a worker.
struct WorkItem: Sendable, Equatable {
    /// The files passed to the command; empty for an `env` shard.
    var files: [String]
    /// 1 for a first run, 2 for the first retry, …
    var attempt: Int
    /// For `env` splits: the shard index the command receives as `CI_NODE_INDEX` (a retried shard may run on
    /// another worker but keeps its index, so the suite selects the same files).
    var shard: Int?
}
