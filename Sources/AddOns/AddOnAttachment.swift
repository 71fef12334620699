import Crypto
import Foundation
import Manifest

/// One provisioned add-on of an app or a test-run worker: the config vars it gives the app. Merge `configVars` into
/// the app's config with the provenance `source` (`addon`); pass `secretValues` to the log masker.
public struct AddOnAttachment: Sendable, Equatable, CustomStringConvertible {
    public var kind: AddOnKind
    /// The plan as app.json declares it (`heroku-postgresql:essential-0`).
    public var plan: String
    /// The database / role / Redis user name (`slipway_addon_shop_pr_7`).
    public var resource: String
    /// `DATABASE_URL` and `HEROKU_POSTGRESQL_<COLOR>_URL`, or `REDIS_URL` and `HEROKU_REDIS_<COLOR>_URL` (an
    /// `as` name replaces `DATABASE` / `REDIS`; a second add-on of a kind gets only its colour var, as on Heroku).
    public var configVars: [String: String]
    /// The password inside the URLs.
    public var secretValues: [String]

    /// The provenance of `configVars` in config resolution.
    public var source: ConfigSource { .addon }

    /// `configVars` with the password shown as `••••`.
    public var maskedConfigVars: [String: String] {
        configVars.mapValues { AddOnURL.masked($0) }
    }

    public var description: String {
        "\(plan) \(resource): " + maskedConfigVars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

/// An add-on as `list` finds it on its server.
public struct AddOnStatus: Sendable, Equatable, CustomStringConvertible {
    public enum State: String, Sendable, Equatable {
        /// The database (or Redis user and its logical database) exists and the app can sign in.
        case available
        /// Half made or half dropped (a crash in between): the next provision completes it, recovery drops it.
        case incomplete
    }

    public var kind: AddOnKind
    public var resource: String
    public var state: State
    /// The URL the app signs in with (credentials in it); show `maskedURL` unless the user asks to reveal.
    public var url: String

    public var maskedURL: String { AddOnURL.masked(url) }

    public var description: String { "\(kind.rawValue) \(resource) \(state.rawValue) \(maskedURL)" }
}

/// Building and masking add-on URLs.
enum AddOnURL {
    static let mask = "••••"

    static func make(scheme: String, user: String, password: String, endpoint: ServerEndpoint, path: String) -> String {
        "\(scheme)://\(user):\(password)@\(endpoint.advertisedHost ?? endpoint.host):\(endpoint.port)/\(path)"
    }

    /// The URL with the password between `:` and `@` replaced by `••••`.
    static func masked(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url.range(of: "@", range: schemeEnd.upperBound..<url.endIndex),
              let colon = url.range(of: ":", range: schemeEnd.upperBound..<at.lowerBound)
        else { return url }
        return String(url[..<colon.upperBound]) + mask + String(url[at.lowerBound...])
    }

    /// Heroku's colour names for `HEROKU_POSTGRESQL_<COLOR>_URL`.
    static let colors = [
        "AMBER", "BLACK", "BLUE", "BRONZE", "BROWN", "CHARCOAL", "COBALT", "COPPER", "CRIMSON", "CYAN", "GOLD", "GRAY",
        "GREEN", "IVORY", "JADE", "MAROON", "NAVY", "OLIVE", "ONYX", "ORANGE", "PINK", "PUCE", "PURPLE", "RED", "ROSE",
        "SILVER", "TEAL", "WHITE", "YELLOW",
    ]

    /// A colour for `resource` that stays the same across provisions, avoiding those in `taken`.
    static func color(for resource: String, avoiding taken: Set<String>) -> String {
        let start = Int(Array(SHA256.hash(data: Data(resource.utf8)))[0]) % colors.count
        for offset in 0..<colors.count where !taken.contains(colors[(start + offset) % colors.count]) {
            return colors[(start + offset) % colors.count]
        }
        return colors[start]
    }
}
