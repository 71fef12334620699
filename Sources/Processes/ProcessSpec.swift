/// What to run: a program, its arguments, its whole environment, its directory and where its output goes.
public struct ProcessSpec: Sendable, Equatable {
    /// Absolute path of the program (no `PATH` search: the caller decides which program runs).
    public var executable: String
    /// Arguments after `argv[0]` (which is `executable`).
    public var arguments: [String]
    /// The complete environment; nothing is inherited implicitly.
    public var environment: [String: String]
    public var workingDirectory: String
    /// Standard output and standard error, appended to this file (created when missing); nil discards them.
    public var outputPath: String?
    /// Standard output and standard error go to this descriptor instead (the write end of a pipe the caller
    /// reads, for line-by-line log capture); it wins over `outputPath`. The caller keeps and closes its copy.
    public var outputDescriptor: Int32?

    public init(executable: String, arguments: [String] = [], environment: [String: String],
                workingDirectory: String, outputPath: String? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.outputPath = outputPath
    }

    /// `/bin/sh -c command`.
    public static func shell(_ command: String, environment: [String: String], workingDirectory: String,
                             outputPath: String?) -> ProcessSpec {
        ProcessSpec(executable: "/bin/sh", arguments: ["-c", command], environment: environment,
                    workingDirectory: workingDirectory, outputPath: outputPath)
    }
}

/// How a process ended.
public enum Termination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var succeeded: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        }
    }

    static func signalName(_ signal: Int32) -> String? {
        [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE",
         15: "SIGTERM"][signal]
    }
}

/// A process that could not be started or supervised; the message says what to check.
public struct ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
