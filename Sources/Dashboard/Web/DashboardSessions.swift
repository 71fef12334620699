import Foundation
import SlipwayModel
import Store

/// Sign-ins to the dashboard: a random session id (the cookie's value) stands for the token that signed in.
///
/// Only the token's digest is kept, and every request checks it against the store again, so revoking the
/// token ends its sessions at once; the token itself never leaves the login request. Sessions live in
/// memory: a restart of the service asks everyone to sign in again, which is the safe side for a tool that
/// holds deploy rights.
actor DashboardSessions {
    struct Session: Sendable {
        var digest: TokenDigest
        var expires: Date
    }

    static let lifetime: TimeInterval = 12 * 3600
    /// A bound on memory: past it, the oldest sessions go first.
    static let maximumSessions = 10_000

    private var sessions: [String: Session] = [:]

    /// Starts a session for the token with `digest`; returns its id (64 hex characters from the system CSPRNG).
    func start(digest: TokenDigest, now: Date = Date()) -> String {
        if sessions.count >= Self.maximumSessions {
            sessions = sessions.filter { $0.value.expires > now }
            while sessions.count >= Self.maximumSessions, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions.removeValue(forKey: oldest.key)
            }
        }
        let id = String(TokenGenerator.generate().dropFirst(TokenGenerator.prefix.count))
        sessions[id] = Session(digest: digest, expires: now.addingTimeInterval(Self.lifetime))
        return id
    }

    /// The digest of the token behind session `id`, or nil when there is no such session or it expired.
    func digest(for id: String, now: Date = Date()) -> TokenDigest? {
        guard let session = sessions[id] else { return nil }
        guard session.expires > now else {
            sessions.removeValue(forKey: id)
            return nil
        }
        return session.digest
    }

    func end(_ id: String) {
        sessions.removeValue(forKey: id)
    }
}
