/// A parsed JSON document, as written: numbers keep their source text so that a value like `5` or `1e3`
/// can be echoed back exactly (app.json env values given as numbers are accepted "as their JSON text").
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as it appears in the source, e.g. `"5"`, `"-0.5"`, `"1e3"`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// How the value reads in a message: strings quoted (and shortened), containers by kind.
    public var shortDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text.count > 40 ? String(text.prefix(40)) + "…" : text
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "\"" + shown.debugEscaped + "\""
        case .array(let items): return items.isEmpty ? "an empty array" : "an array"
        case .object(let object): return object.isEmpty ? "an empty object" : "an object"
        }
    }

    /// The JSON source text of a scalar (`true`, `5`), used when a scalar stands in for a string.
    public var scalarText: String? {
        switch self {
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return text
        case .null, .array, .object: return nil
        }
    }
}

/// A JSON object that keeps its members in source order.
///
/// A key written twice keeps its first position and its last value, as `JSON.parse` does in JavaScript
/// (and so as Heroku reads app.json); the parser reports each repetition as a warning.
public struct JSONObject: Sendable, Equatable {
    /// One `"key": value` pair.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
    }

    public private(set) var members: [Member] = []
    private var positions: [String: Int] = [:]

    public init() {}

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        positions[key].map { members[$0].value }
    }

    /// Sets `key`; returns `true` when the key was already present (a duplicate).
    @discardableResult
    public mutating func set(_ key: String, _ value: JSONValue) -> Bool {
        if let position = positions[key] {
            members[position].value = value
            return true
        }
        positions[key] = members.count
        members.append(Member(key: key, value: value))
        return false
    }
}

extension String {
    /// The string with quotes, backslashes and control characters escaped, for quoting in messages.
    var debugEscaped: String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
