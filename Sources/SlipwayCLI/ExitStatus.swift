import ArgumentParser
import Foundation

/// Slipway's exit codes (SPEC §5).
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The thing checked failed: tests failed, the gate refused.
    case checkFailed = 1
    /// Usage or input error, with a message naming the file, line or key.
    case usage = 2
    /// The service could not be reached.
    case unreachable = 3
}

/// An error a command reports to the user: the message is printed to stderr and the process exits with `exitCode`.
struct CLIFailure: Error, CustomStringConvertible {
    var exitCode: ExitStatus
    var message: String
    var description: String { message }

    static func usage(_ message: String) -> CLIFailure { CLIFailure(exitCode: .usage, message: message) }
}

func writeToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Prints a value as pretty, key-sorted JSON on stdout (the `--json` output of every command).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}
