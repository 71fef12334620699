/// One app.json script: a shell command, and the dyno size it asks for (`{command, size}` form).
public struct Script: Sendable, Equatable {
    /// The script's name as written: `postdeploy`, `test-setup`, … Dokku's nested scripts are named
    /// `dokku.predeploy` and `dokku.postdeploy`.
    public var name: String
    public var command: String
    public var size: String?

    public init(name: String, command: String, size: String? = nil) {
        self.name = name
        self.command = command
        self.size = size
    }
}

/// app.json `scripts`, in file order. Unknown names are kept (and warned about) but nothing runs them.
public struct Scripts: Sendable, Equatable {
    public var entries: [Script]

    public init(_ entries: [Script] = []) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    public subscript(name: String) -> Script? {
        entries.last { $0.name == name }
    }

    /// Runs once after a review app is first created.
    public var postdeploy: Script? { self["postdeploy"] }
    /// Runs before a review app is destroyed.
    public var prPredestroy: Script? { self["pr-predestroy"] }
    /// Runs once per CI worker before the tests (`environments.test.scripts.test-setup`).
    public var testSetup: Script? { self["test-setup"] }
    /// The CI test command (`environments.test.scripts.test`).
    public var test: Script? { self["test"] }
    /// Dokku: runs before a deploy, in a one-off container of the new release.
    public var dokkuPredeploy: Script? { self["dokku.predeploy"] }
    /// Dokku: runs after a deploy.
    public var dokkuPostdeploy: Script? { self["dokku.postdeploy"] }
}
