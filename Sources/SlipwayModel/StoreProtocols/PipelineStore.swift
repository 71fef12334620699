/// Pipelines: a repository, its target branch and the review config vars its review apps inherit.
public protocol PipelineStore: Sendable {
    /// Stores a new pipeline. Throws `alreadyExists` when the name is taken. Returns it as stored
    /// (`createdAt` cut to the store's millisecond precision).
    func createPipeline(_ pipeline: Pipeline) async throws(StoreError) -> Pipeline

    /// The named pipeline; throws `notFound`.
    func pipeline(named name: ResourceName) async throws(StoreError) -> Pipeline

    /// Every pipeline, by name.
    func pipelines() async throws(StoreError) -> [Pipeline]

    /// Reads the pipeline, applies `change` and writes it back in one transaction. The name and creation time
    /// cannot change (`invalidValue`). Use it for the target branch, the repository, the fork rule and the
    /// review config vars.
    func updatePipeline(
        named name: ResourceName,
        _ change: @escaping @Sendable (inout Pipeline) -> Void
    ) async throws(StoreError) -> Pipeline

    /// Deletes a pipeline with its test runs, checks, gate decisions and timing history. Throws `conflict`
    /// while apps still belong to it.
    func deletePipeline(named name: ResourceName) async throws(StoreError)
}
