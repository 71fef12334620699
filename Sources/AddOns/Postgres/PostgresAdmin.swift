import Logging
import PostgresNIO

/// Admin SQL on an add-on PostgreSQL server: one short connection per call, as provisioning is rare.
struct PostgresAdmin: Sendable {
    let endpoint: ServerEndpoint
    private static let logger = Logger(label: "slipway.addons.postgres")

    /// Runs each statement in order (no transaction: CREATE/DROP DATABASE cannot run in one); returns the first
    /// column of the last statement's rows as text. `what` names the step for an error.
    @discardableResult
    func run(_ statements: [String], database: String? = nil, what: String) async throws(AddOnError) -> [String] {
        let configuration = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.user ?? "postgres", password: endpoint.password,
            database: database ?? endpoint.database ?? "postgres", tls: .disable)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Self.logger)
        } catch {
            throw describe(error, what: what)
        }
        do {
            var values: [String] = []
            for statement in statements {
                values = []
                for try await row in try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger) {
                    if let cell = row.first { values.append((try? cell.decode(String?.self)).flatMap { $0 } ?? "") }
                }
            }
            try? await connection.close()
            return values
        } catch {
            try? await connection.close()
            throw describe(error, what: what)
        }
    }

    /// The server's own message (never the statement, which may hold a password) or what failed on the client.
    private func describe(_ error: any Error, what: String) -> AddOnError {
        guard let error = error as? PSQLError else {
            return AddOnError(.serverUnavailable, "\(what): PostgreSQL at \(endpoint): \(type(of: error))")
        }
        if let info = error.serverInfo, let state = info[.sqlState] {
            let message = info[.message] ?? "SQLSTATE \(state)"
            // 53xxx: insufficient resources (disk full, out of memory, too many connections); 57P03: starting up.
            let code: AddOnError.Code = state.hasPrefix("53") || state == "57P03" ? .serverUnavailable : .provisioning
            return AddOnError(code, "\(what): PostgreSQL at \(endpoint) said: \(message)")
        }
        switch error.code {
        case .connectionError:
            let reason = error.underlying.map { "\($0)" } ?? "connection failed"
            return AddOnError(.serverUnavailable, "\(what): cannot reach PostgreSQL at \(endpoint): \(reason)")
        case .serverClosedConnection:
            return AddOnError(.serverUnavailable, "\(what): PostgreSQL at \(endpoint) closed the connection")
        default:
            return AddOnError(.serverUnavailable, "\(what): PostgreSQL client error \(error.code) talking to \(endpoint)")
        }
    }
}
