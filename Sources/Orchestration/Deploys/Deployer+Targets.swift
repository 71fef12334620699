import SlipwayModel

/// Which release a rollback goes back to and which apps a promotion releases on.
extension Deployer {
    func rollbackTarget(app: ResourceName, version: Int?) async throws -> Release {
        if let version { return try await store.release(app: app, version: version) }
        let succeeded = try await store.releases(app: app).filter { $0.state == .succeeded && $0.buildID != nil }
        guard succeeded.count >= 2 else {
            throw OrchestrationError(.conflict, "\(app) has no earlier deployed release to roll back to")
        }
        return succeeded[1]
    }

    /// The requested apps, or every app at the next stage of the source's pipeline that has apps.
    func promotionTargets(from source: App, requested: [ResourceName]?) async throws -> [ResourceName] {
        if let requested, !requested.isEmpty {
            for name in requested {
                _ = try await store.app(named: name)
                if name == source.name { throw OrchestrationError.invalid("to", "to: an app cannot be promoted to itself") }
            }
            return requested
        }
        guard let pipeline = source.pipeline, let stage = source.stage else {
            throw OrchestrationError.invalid("to", "to: \(source.name) is not in a pipeline; name the target apps")
        }
        let order: [AppStage] = [.review, .development, .staging, .production]
        let apps = try await store.apps(inPipeline: pipeline).filter { $0.review == nil }
        let index = order.firstIndex(of: stage) ?? 0
        for next in order.dropFirst(index + 1) {
            let found = apps.filter { $0.stage == next }.map(\.name)
            if !found.isEmpty { return found }
        }
        throw OrchestrationError.invalid("to", "to: pipeline \(pipeline) has no app at a stage after \(stage.rawValue)")
    }
}
