/// The managed PostgreSQL server's client authentication rules (its `pg_hba.conf`): every sign-in needs a password
/// (SCRAM), over the Unix socket and loopback as initdb would allow, and, with `--addons-address`, from the subnets
/// of this machine's interfaces (`samenet`): the remote test workers of a private network, and nothing routed
/// from beyond it.
enum PostgresAccessRules {
    static func text(listenAddress: String?) -> String {
        var lines = [
            "# Written by Slipway at every start of the server; edits are overwritten.",
            "local all all scram-sha-256",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256",
        ]
        if listenAddress != nil { lines.append("host all all samenet scram-sha-256") }
        return lines.joined(separator: "\n") + "\n"
    }
}
