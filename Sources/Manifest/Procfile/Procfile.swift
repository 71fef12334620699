/// One line of a Procfile: `web: bundle exec puma -p $PORT`.
public struct ProcessDeclaration: Sendable, Equatable {
    /// The process type, `[A-Za-z0-9_-]+`.
    public var type: String
    public var command: String
    /// 1-based line in the Procfile.
    public var line: Int

    public init(type: String, command: String, line: Int) {
        self.type = type
        self.command = command
        self.line = line
    }
}

/// A parsed Procfile: process types in file order.
public struct Procfile: Sendable, Equatable {
    public var processes: [ProcessDeclaration]

    public init(_ processes: [ProcessDeclaration] = []) {
        self.processes = processes
    }

    /// Type names in file order.
    public var processTypes: [String] { processes.map(\.type) }

    public subscript(type: String) -> ProcessDeclaration? {
        processes.first { $0.type == type }
    }

    /// The process that receives HTTP traffic on `$PORT`.
    public var web: ProcessDeclaration? { self["web"] }
    /// The command run once per release before any dyno changes.
    public var release: ProcessDeclaration? { self["release"] }
}
