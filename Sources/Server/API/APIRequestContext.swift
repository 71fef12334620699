import Dashboard
import Hummingbird
import SlipwayModel
import Store

/// The request context of the API: carries the name of the token that authenticated the request and
/// caps request bodies at `maximumBodySize`.
public struct APIRequestContext: RequestContext, DashboardRequestContext {
    /// Request bodies past this size are refused with 413 before they are decoded.
    public static let maximumBodySize = 1 << 20

    public var coreContext: CoreRequestContextStorage
    /// Set by `BearerTokenMiddleware` once the request's token is verified.
    public var tokenName: ResourceName?
    /// The verified token's scope (`read` until a token is verified).
    public var tokenScope: TokenScope = .read

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        tokenName = nil
    }

    public var maxUploadSize: Int { Self.maximumBodySize }
}
