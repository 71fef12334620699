/// A repository's owner and name on GitHub, as read from a pipeline's repository URL
/// (`https://github.com/octo/shop.git`, `git@github.com:octo/shop.git`, `ssh://git@ghe.example.com/octo/shop`).
public struct GitHubRepositoryName: Sendable, Equatable {
    public var owner: String
    public var name: String

    public init(owner: String, name: String) {
        self.owner = owner
        self.name = name
    }

    /// The last two path components of a URL or an scp-like address, without `.git`; nil for a local path or
    /// anything else that names no owner and repository on a host.
    public init?(repositoryURL raw: String) {
        var rest: Substring
        if let scheme = raw.range(of: "://") {
            let afterScheme = raw[scheme.upperBound...]
            guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
            guard raw.hasPrefix("https") || raw.hasPrefix("http") || raw.hasPrefix("ssh") || raw.hasPrefix("git") else { return nil }
            rest = afterScheme[afterScheme.index(after: slash)...]
        } else if !raw.hasPrefix("/"), let colon = raw.firstIndex(of: ":"), raw[..<colon].contains("@") {
            rest = raw[raw.index(after: colon)...]
        } else {
            return nil
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.hasSuffix(".git") { rest = rest.dropLast(4) }
        let parts = rest.split(separator: "/")
        guard parts.count >= 2, let owner = parts.dropLast().last, let name = parts.last,
              Self.isValid(owner), Self.isValid(name) else { return nil }
        self.owner = String(owner)
        self.name = String(name)
    }

    /// GitHub's owner and repository names: letters, digits, `-`, `_` and `.`.
    public static func isValid<S: StringProtocol>(_ part: S) -> Bool {
        !part.isEmpty && part.count <= 100 && part != "." && part != ".."
            && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}
