/// Each owner's Redis on one server: a logical database of its own (`SELECT n`) and an ACL user of its own
/// (named like its PostgreSQL role) that may select that database only and run no admin command. Which database
/// belongs to whom is kept on the server, in the hash `slipway:addons` of database 0 (never given to an app).
///
/// Why logical databases and ACL users, not an instance per app: one server to start, supervise and point
/// `--addons-redis` at, and Redis 7's `+select|<n>` rule keeps an app out of the others' databases. What is
/// shared: Pub/Sub channels are server-wide (two apps publishing on the same channel name hear each other), and
/// `INFO` shows every database's key count. See README, "Add-ons".
///
/// Crash safety: a database is claimed in the hash before the user is made, and the user dropped before the
/// database is emptied and released, so recovery finds by name whatever a crash left.
struct RedisDatabases: Sendable {
    let endpoint: ServerEndpoint
    let key: CredentialKey

    static let registry = "slipway:addons"

    /// The user's rules: everything on its own database, nothing that reaches another or the server itself.
    static func rules(password: String, database: Int) -> [String] {
        ["reset", "on", ">\(password)", "~*", "&*", "+@all", "-@admin", "-flushall", "-swapdb", "-move", "-copy", "-migrate",
         "-select", "+select|\(database)"]
    }

    /// Claims (or finds) the owner's database, makes its user; returns the URL the app signs in with.
    func provision(_ name: String) async throws(AddOnError) -> (url: String, password: String) {
        let password = key.password("redis", name)
        let database: Int? = try await admin("provisioning Redis database \(name)") { connection -> Int? in
            if let claimed = try await connection.run(["HGET", Self.registry, name]).text.flatMap(Int.init) {
                try await connection.run(["ACL", "SETUSER", name] + Self.rules(password: password, database: claimed))
                return claimed
            }
            let available = try await Self.databaseCount(connection)
            let taken = Set(try await connection.run(["HVALS", Self.registry]).array.compactMap { $0.text.flatMap(Int.init) })
            guard let free = (1..<available).first(where: { !taken.contains($0) }) else { return nil }
            try await connection.run(["HSET", Self.registry, name, String(free)])
            try await connection.run(["SELECT", String(free)])
            try await connection.run(["FLUSHDB"])
            try await connection.run(["SELECT", "0"])
            try await connection.run(["ACL", "SETUSER", name] + Self.rules(password: password, database: free))
            return free
        }
        guard let database else {
            throw AddOnError(.exhausted, "provisioning Redis database \(name): every logical database of Redis at \(endpoint) is taken "
                + "(raise its `databases` setting)")
        }
        try await saveUsers()
        return (AddOnURL.make(scheme: "redis", user: name, password: password, endpoint: endpoint, path: String(database)), password)
    }

    /// Drops the owner's users and empties and releases its databases.
    func deprovision(_ owner: AddOnOwner) async throws(AddOnError) -> [String] {
        try await drop { owner.owns($0) }
    }

    func recoverOrphans(liveApps: Set<String>, liveTestRuns: Set<String>) async throws(AddOnError) -> [String] {
        try await drop { AddOnOwner.isOrphan($0, liveApps: liveApps, liveTestRuns: liveTestRuns) }
    }

    func list(_ owner: AddOnOwner) async throws(AddOnError) -> [AddOnStatus] {
        let (claims, users) = try await resources()
        return Set(claims.keys.filter(owner.owns) + users.filter(owner.owns)).sorted().map { name in
            let url = AddOnURL.make(scheme: "redis", user: name, password: key.password("redis", name), endpoint: endpoint,
                                    path: claims[name].map(String.init) ?? "")
            return AddOnStatus(kind: .redis, resource: name, state: claims[name] != nil && users.contains(name) ? .available : .incomplete, url: url)
        }
    }

    /// Makes again the user of every claimed database: a Redis started without an ACL file (`--addons-redis`)
    /// forgets them when it restarts, while the URLs in the apps' releases still hold their (derived) passwords.
    func restoreUsers() async throws(AddOnError) {
        try await admin("restoring Redis add-on users") { connection in
            let claims = try await connection.run(["HGETALL", Self.registry]).array.compactMap(\.text)
            for pair in stride(from: 0, to: claims.count - 1, by: 2) {
                guard let database = Int(claims[pair + 1]), AddOnOwner.isAddOnResource(claims[pair]) else { continue }
                try await connection.run(["ACL", "SETUSER", claims[pair]] + Self.rules(password: key.password("redis", claims[pair]), database: database))
            }
        }
    }

    /// Drops the users and databases of the add-on resources whose name matches; returns their names.
    func drop(where matching: @Sendable (String) -> Bool) async throws(AddOnError) -> [String] {
        let (claims, users) = try await resources()
        let doomedUsers = users.filter(matching)
        let doomedClaims = claims.filter { matching($0.key) }
        guard !doomedUsers.isEmpty || !doomedClaims.isEmpty else { return [] }
        try await admin("dropping Redis add-on databases") { connection in
            // Deleting a user also disconnects its clients, so nothing writes into a database being emptied.
            if !doomedUsers.isEmpty { try await connection.run(["ACL", "DELUSER"] + doomedUsers) }
            for (name, database) in doomedClaims {
                try await connection.run(["SELECT", String(database)])
                try await connection.run(["FLUSHDB"])
                try await connection.run(["SELECT", "0"])
                try await connection.run(["HDEL", Self.registry, name])
            }
        }
        try await saveUsers()
        return Array(Set(doomedUsers + doomedClaims.keys)).sorted()
    }

    /// Claimed databases by owner name, and the add-on users that exist.
    private func resources() async throws(AddOnError) -> (claims: [String: Int], users: [String]) {
        try await admin("listing Redis add-on databases") { connection in
            let flat = try await connection.run(["HGETALL", Self.registry]).array.compactMap(\.text)
            var claims: [String: Int] = [:]
            for pair in stride(from: 0, to: flat.count - 1, by: 2) {
                if let database = Int(flat[pair + 1]) { claims[flat[pair]] = database }
            }
            let users = try await connection.run(["ACL", "USERS"]).array.compactMap(\.text).filter(AddOnOwner.isAddOnResource)
            return (claims, users)
        }
    }

    /// `ACL SAVE` writes the users to the ACL file of a server started with one (the managed server); a server
    /// without one (an external one may have none) answers with an error, and `restoreUsers` covers it instead.
    private func saveUsers() async throws(AddOnError) {
        try await admin("saving Redis add-on users") { connection in
            let reply = try await connection.send(["ACL", "SAVE"])
            if case .error(let message) = reply, !message.contains("not configured to use an ACL file") {
                throw RedisError(message: message, isReply: true)
            }
        }
    }

    private static func databaseCount(_ connection: RedisConnection) async throws -> Int {
        let reply = try await connection.send(["CONFIG", "GET", "databases"])
        return reply.array.count == 2 ? reply.array[1].text.flatMap(Int.init) ?? 16 : 16
    }

    /// Runs `body` on an admin connection to database 0; maps failures to `AddOnError` naming `what`.
    private func admin<Result: Sendable>(_ what: String, _ body: (RedisConnection) async throws -> Result) async throws(AddOnError) -> Result {
        do {
            return try await RedisConnection.with(host: endpoint.host, port: endpoint.port, user: endpoint.user, password: endpoint.password, body)
        } catch let error as RedisError {
            // An ACL error quotes the rule it could not read; a password rule ('>…') must not reach a message.
            let message = error.message.components(separatedBy: "'>").first ?? error.message
            throw AddOnError(error.isReply ? .provisioning : .serverUnavailable, "\(what): Redis at \(endpoint): \(message)")
        } catch {
            throw AddOnError(.serverUnavailable, "\(what): Redis at \(endpoint): \(type(of: error))")
        }
    }
}
