/// Why a JSON text could not be read, and where.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake it is, for callers that branch on it (messages are for people).
    public enum Code: String, Sendable {
        case emptyInput
        case unexpectedEnd
        case unexpectedCharacter
        case invalidLiteral
        case invalidNumber
        case invalidString
        case invalidEscape
        case invalidUTF8
        case tooDeep
        case trailingComma
        case trailingContent
        case tooLarge
    }

    public var code: Code
    public var position: SourcePosition
    public var message: String

    public init(code: Code, position: SourcePosition, message: String) {
        self.code = code
        self.position = position
        self.message = message
    }

    public var description: String { "\(position): \(message)" }
}

/// A key written more than once in the same object. The last value wins (as in JavaScript); the position is
/// that of the repeated key.
public struct JSONDuplicateKey: Sendable, Equatable {
    /// The full path of the key, e.g. `stack` or `env.PORT`.
    public var path: JSONPath
    public var position: SourcePosition
}

/// A parsed document and the duplicate keys met on the way.
public struct JSONDocument: Sendable, Equatable {
    public var value: JSONValue
    public var duplicateKeys: [JSONDuplicateKey]
}
