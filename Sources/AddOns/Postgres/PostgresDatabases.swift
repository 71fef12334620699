/// Each owner's databases on one PostgreSQL server: database and role named alike (`AddOnOwner`), the role the
/// database's owner and the only one besides the admin that may connect to it.
///
/// Crash safety: the role is made before its database and dropped after it, and both carry the owner's name, so
/// recovery finds by name anything a crash left (a role without its database, a database being made).
struct PostgresDatabases: Sendable {
    let admin: PostgresAdmin
    let key: CredentialKey

    /// Makes (or completes, or just returns) the database `name`; returns the URL the app signs in with.
    func provision(_ name: String) async throws(AddOnError) -> (url: String, password: String) {
        let password = key.password("postgres", name)
        let what = "provisioning PostgreSQL database \(name)"
        let existing = try await admin.run(
            ["SELECT 'role' FROM pg_roles WHERE rolname = '\(name)' UNION ALL SELECT 'database' FROM pg_database WHERE datname = '\(name)'"],
            what: what)
        var statements: [String] = []
        let attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '\(password)'"
        statements.append(existing.contains("role") ? "ALTER ROLE \(name) WITH \(attributes)" : "CREATE ROLE \(name) WITH \(attributes)")
        if !existing.contains("database") {
            // The role must be a member to hand it the database when the admin is not a superuser (CREATEROLE).
            statements.append("GRANT \(name) TO CURRENT_USER")
            statements.append("CREATE DATABASE \(name) OWNER \(name) TEMPLATE template0 ENCODING 'UTF8'")
        }
        // PUBLIC may not connect (nor make temporary tables): the owner role (and the admin) alone may.
        statements.append("REVOKE ALL ON DATABASE \(name) FROM PUBLIC")
        try await admin.run(statements, what: what)
        return (AddOnURL.make(scheme: "postgres", user: name, password: password, endpoint: admin.endpoint, path: name), password)
    }

    /// Drops every database and role `owner` has, connections and data included.
    func deprovision(_ owner: AddOnOwner) async throws(AddOnError) -> [String] {
        try await drop { owner.owns($0) }
    }

    /// Drops the add-on databases and roles whose name matches; returns their names.
    func drop(where matching: @Sendable (String) -> Bool) async throws(AddOnError) -> [String] {
        let (databases, roles) = try await resources()
        return try await drop(databases: databases.filter(matching), roles: roles.filter(matching))
    }

    /// The databases and roles `owner` has; a name with only one of the two is incomplete.
    func list(_ owner: AddOnOwner) async throws(AddOnError) -> [AddOnStatus] {
        let (databases, roles) = try await resources()
        return Set(databases.filter(owner.owns) + roles.filter(owner.owns)).sorted().map { name in
            AddOnStatus(kind: .postgres, resource: name, state: databases.contains(name) && roles.contains(name) ? .available : .incomplete,
                        url: AddOnURL.make(scheme: "postgres", user: name, password: key.password("postgres", name), endpoint: admin.endpoint, path: name))
        }
    }

    /// Drops the databases and roles that belong to no live app or test run; returns their names.
    func recoverOrphans(liveApps: Set<String>, liveTestRuns: Set<String>) async throws(AddOnError) -> [String] {
        try await drop { AddOnOwner.isOrphan($0, liveApps: liveApps, liveTestRuns: liveTestRuns) }
    }

    private func drop(databases: [String], roles: [String]) async throws(AddOnError) -> [String] {
        guard !databases.isEmpty || !roles.isEmpty else { return [] }
        // WITH (FORCE) ends the app's open connections; databases go before the roles that own them.
        try await admin.run(databases.map { "DROP DATABASE IF EXISTS \($0) WITH (FORCE)" } + roles.map { "DROP ROLE IF EXISTS \($0)" },
                            what: "dropping PostgreSQL add-on databases")
        return Array(Set(databases + roles)).sorted()
    }

    /// Every add-on database and role on the server, by name.
    private func resources() async throws(AddOnError) -> (databases: [String], roles: [String]) {
        let rows = try await admin.run(
            ["SELECT 'd' || datname FROM pg_database UNION ALL SELECT 'r' || rolname FROM pg_roles"], what: "listing PostgreSQL add-on databases")
        let named = { (tag: Character) in rows.filter { $0.first == tag }.map { String($0.dropFirst()) }.filter(AddOnOwner.isAddOnResource) }
        return (named("d"), named("r"))
    }
}
