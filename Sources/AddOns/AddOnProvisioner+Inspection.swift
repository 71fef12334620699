extension AddOnProvisioner {
    /// The names of the databases on the PostgreSQL add-on server, from its catalog (`pg_database`), as the admin
    /// sees them; empty when the managed server was never set up. For checks (tests, `ci/bench/addons`).
    public func postgresCatalogDatabases() async throws(AddOnError) -> [String] {
        try await servers.postgres(start: false)?.admin.run(["SELECT datname FROM pg_database ORDER BY 1"], what: "reading pg_database") ?? []
    }

    /// The names of the roles on the PostgreSQL add-on server (`pg_roles`).
    public func postgresCatalogRoles() async throws(AddOnError) -> [String] {
        try await servers.postgres(start: false)?.admin.run(["SELECT rolname FROM pg_roles ORDER BY 1"], what: "reading pg_roles") ?? []
    }

    /// Runs admin SQL on the PostgreSQL add-on server (tests simulate a crash half-way with it).
    func postgresAdmin(_ statements: [String]) async throws(AddOnError) -> [String] {
        try await servers.postgres(start: true)!.admin.run(statements, what: "test statement")
    }

    /// The Redis add-on server's admin endpoint (tests simulate a crash half-way with it).
    func redisAdminEndpoint() async throws(AddOnError) -> ServerEndpoint {
        try await servers.redis(start: true)!.endpoint
    }
}
