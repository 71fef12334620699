import Hummingbird
import SlipwayModel

/// What the dashboard needs of the service's request context: the name of the token that signed the request in.
public protocol DashboardRequestContext: RequestContext {
    var tokenName: ResourceName? { get set }
}

/// `Authorization: Bearer <token>`, as the API and the dashboard both read it.
public enum BearerToken {
    /// The token of a bearer `Authorization` header; nil for any other header or none.
    public static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
