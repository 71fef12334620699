/// Where a value sits in a JSON document, written the way users read it: `env.SECRET.required`,
/// `addons[1].plan`, `env["odd key"]`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The document itself.
    public static let root = JSONPath()

    public var isRoot: Bool { components.isEmpty }

    public func key(_ key: String) -> JSONPath {
        JSONPath(components + [.key(key)])
    }

    public func index(_ index: Int) -> JSONPath {
        JSONPath(components + [.index(index)])
    }

    /// Parses a dotted path such as `environments.test.formation.test.quantity` (keys only).
    public init(dotted: String) {
        self.components = dotted.split(separator: ".").map { .key(String($0)) }
    }

    public var description: String {
        if components.isEmpty { return "(top level)" }
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key):
                if Self.isBare(key) {
                    text += text.isEmpty ? key : "." + key
                } else {
                    text += "[\"" + key.debugEscaped + "\"]"
                }
            }
        }
        return text
    }

    /// Keys made of letters, digits, `_` and `-` print bare; anything else is bracketed and quoted.
    private static func isBare(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
        }
    }
}
