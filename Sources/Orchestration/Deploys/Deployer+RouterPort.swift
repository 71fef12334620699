extension Deployer {
    /// The port the router listens on (review-app URLs are `http://<host>:<port>`), nil before it started.
    public var routerPort: Int? { runtimes.router.port }
}
